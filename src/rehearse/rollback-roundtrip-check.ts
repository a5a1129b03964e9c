import type { CheckResult } from "../model/check.js";
import type { RollbackDrill } from "../model/report.js";
import { plural } from "../util/plural.js";
import { limitDetails } from "../verify/limit-details.js";

const id = "rollback.roundtrip";

/**
 * The rollback drill as the check `rollback.roundtrip` of SPEC §7 (rehearsals only): `pass` when
 * the downs restored the catalog of before and the ups the catalog of after; `fail` when a down
 * failed or a difference remained; for migrations without a down, `warn`, or `fail` under
 * `gates.require_reversible`; `skip` when nothing was applied. The drill itself stays in
 * `report.rollback`; this is its line among the checks, with its numbers.
 */
export function rollbackRoundtripCheck(drill: RollbackDrill, input: { migrations: number; requireReversible: boolean }): CheckResult {
  const observed = {
    drill: drill.status,
    migrations: input.migrations,
    differences_after_down: drill.differences?.after_down.length ?? 0,
    differences_after_up: drill.differences?.after_up.length ?? 0,
    ...(drill.status === "irreversible" ? { without_down: drill.details.length } : {}),
    ...(drill.duration_ms !== undefined ? { duration_ms: drill.duration_ms } : {}),
    ...(drill.data
      ? {
          data_tables_compared: drill.data.tables_compared,
          data_tables_count_only: drill.data.tables_count_only,
          data_tables_differing: drill.data.tables_differing,
          data_tables_unreadable: drill.data.tables_unreadable,
          data_rows_read: drill.data.rows_read,
          ...(drill.data.not_compared ? { data_not_compared: drill.data.not_compared } : {}),
        }
      : {}),
  };
  const details = limitDetails(drill.details);
  switch (drill.status) {
    case "pass": {
      const summary = `${plural(input.migrations, "migration")} rolled back and applied again: the catalog of before after the downs, of after after the ups`;
      const warnings = drill.warnings ?? [];
      if (warnings.length > 0) {
        return {
          id,
          status: "warn",
          summary: `${summary}; the data of ${plural(warnings.length, "table")} not put back`,
          observed,
          details: limitDetails(warnings),
        };
      }
      return { id, status: "pass", summary, observed, details: [] };
    }
    case "fail":
      return { id, status: "fail", summary: `the rollback drill failed: ${drill.details[0] ?? "no detail"}`, observed, details };
    case "irreversible":
      return {
        id,
        status: input.requireReversible ? "fail" : "warn",
        summary: `${drill.details.length} of ${plural(input.migrations, "migration")} ${drill.details.length === 1 ? "has" : "have"} no down migration: the drill could not run${input.requireReversible ? " (gates.require_reversible is on)" : ""}`,
        observed,
        details,
      };
    case "skip":
      return { id, status: "skip", summary: drill.details[0] ?? "the rollback drill did not run", observed, details: [] };
  }
}
