import type { Snapshot } from "../../model/snapshot.js";
import type { ExpectRowsDirective } from "../../plan/directives.js";
import { readDirectives } from "../../plan/directives.js";
import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";
import { migrationsOfRun } from "../migrations-of-run.js";
import { tableLabel } from "../table-pattern.js";

const id = "data.row_counts";

/** Exact row counts of the snapshot's tables (not materialized views), by `schema.table`. */
function tableCounts(snapshot: Snapshot): Map<string, number> {
  const tables = new Set(snapshot.tables.map(tableLabel));
  const counts = new Map<string, number>();
  for (const relation of snapshot.statistics.relations) {
    const name = tableLabel(relation);
    if (tables.has(name) && relation.row_count !== null) counts.set(name, relation.row_count);
  }
  return counts;
}

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((total, rows) => total + rows, 0);

/**
 * No table lost rows between the `before` and `after` snapshots (exact counts), and no table
 * that held rows was dropped, unless an applied migration says it expects so with
 * `-- drydock:expect-rows <schema.table> -all` or `-any` (`+any` allows no loss). A name without
 * a schema is taken in the first `project.search_path` schema. A partitioned table counts its
 * partitions' rows, and each partition counts its own. A renamed table reads as dropped: name
 * the old name in expect-rows. Passes with "nothing to compare" when there is no `before`, or
 * when it holds no rows (a rehearsal from an empty database).
 */
export const dataRowCounts: Check = {
  id,
  description: "no table lost rows, except where expect-rows says so",
  async run(context) {
    const after = tableCounts(context.after);
    const before = context.before ? tableCounts(context.before) : new Map<string, number>();
    const counted = { tables: before.size, rows_before: sum(before), rows_after: sum(after) };
    if (!context.before || counted.rows_before === 0) {
      const why = context.before ? `no rows before the migrations (${plural(before.size, "table")})` : "no snapshot before the migrations";
      const observed = { ...counted, tables_lost_rows: 0, rows_lost: 0, allowed: 0 };
      return {
        id,
        status: "pass",
        summary: `nothing to compare: ${why}; ${plural(counted.rows_after, "row")} after`,
        observed,
        details: [],
      };
    }
    const defaultSchema = context.config.project.search_path[0] ?? "public";
    const allowances = new Map<string, { version: string; directive: ExpectRowsDirective }>();
    for (const { planned, migration } of migrationsOfRun(context)) {
      if (!migration) continue;
      for (const directive of readDirectives(migration.up.file, migration.up.sql).expectRows) {
        const name = directive.table.replace(/"/g, "");
        allowances.set(name.includes(".") ? name : `${defaultSchema}.${name}`, { version: planned.version, directive });
      }
    }
    const failures: string[] = [];
    const allowed: string[] = [];
    let rowsLost = 0;
    for (const [table, rowsBefore] of before) {
      const rowsAfter = after.get(table);
      const lost = rowsBefore - (rowsAfter ?? 0);
      if (lost <= 0) continue;
      const change = rowsAfter === undefined ? `${plural(rowsBefore, "row")} → dropped` : `${rowsBefore} → ${plural(rowsAfter, "row")}`;
      const allowance = allowances.get(table);
      if (allowance && allowance.directive.change !== "+any") {
        allowed.push(`${table}: ${change} (-${lost}), expected by ${allowance.version}: expect-rows ${allowance.directive.change}`);
      } else {
        rowsLost += lost;
        failures.push(`${table}: ${change} (-${lost})`);
      }
    }
    const observed = { ...counted, tables_lost_rows: failures.length, rows_lost: rowsLost, allowed: allowed.length };
    const details = limitDetails([...failures, ...allowed]);
    const expected = allowed.length > 0 ? `; ${allowed.length} expected loss${allowed.length === 1 ? "" : "es"}` : "";
    if (failures.length === 0) {
      const summary = `${plural(before.size, "table")} compared (${counted.rows_before} → ${plural(counted.rows_after, "row")}): none lost rows${expected}`;
      return { id, status: "pass", summary, observed, details };
    }
    const summary = `${failures.length} of ${plural(before.size, "table")} lost ${plural(rowsLost, "row")} unexpectedly${expected}`;
    return { id, status: "fail", summary, observed, details };
  },
};
