import { readHistory } from "../../db/history.js";
import { compareHistory } from "../../plan/compare-history.js";
import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";

const id = "history.consistent";

const short = (checksum: string | undefined) => `${(checksum ?? "").slice(0, 12)}…`;

/**
 * Every migration recorded in `drydock.migrations` still has its file, with the checksum it
 * had when it was applied. An edited file means the database holds something the repository no
 * longer says; a missing file means nobody can rebuild this database from the repository. A
 * database without the `drydock` schema has applied nothing. Pending migrations (and ones
 * left behind a later applied one) are counted, not failed: they are simply not applied yet.
 * A repeatable migration whose checksum changed is pending again, as in Flyway.
 */
export const historyConsistent: Check = {
  id,
  description: "every applied migration has its file and checksum",
  async run({ engine, migrations }) {
    const history = await readHistory(engine);
    const statuses = compareHistory(migrations, history);
    const count = (state: string) => statuses.filter((status) => status.state === state).length;
    const observed = {
      applied: history.length,
      changed: count("changed"),
      missing: count("missing"),
      pending: count("pending"),
      out_of_order: count("out-of-order"),
    };
    const details = statuses.flatMap((status) => {
      const label = `${status.version}${status.name ? ` ${status.name}` : ""}`;
      if (status.state === "changed") {
        return [
          `${label}: ${status.file} changed after it was applied (recorded ${short(status.recorded_checksum)}, file ${short(status.checksum)})`,
        ];
      }
      if (status.state === "missing") return [`${label}: applied ${status.applied_at}, but ${status.file ?? "its file"} is gone`];
      return [];
    });
    const broken = observed.changed + observed.missing;
    const waiting = observed.pending + observed.out_of_order;
    const pendingNote = waiting > 0 ? `; ${waiting} not applied yet` : "";
    if (broken === 0) {
      return {
        id,
        status: "pass",
        summary: `${plural(history.length, "applied migration")}, all matching their files${pendingNote}`,
        observed,
        details: [],
      };
    }
    return {
      id,
      status: "fail",
      summary: `${broken} of ${plural(history.length, "applied migration")} differ from the repository: ${observed.changed} changed, ${observed.missing} missing${pendingNote}`,
      observed,
      details: limitDetails(details),
    };
  },
};
