import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";
import { rlsScopeOf, unreadSchemaDetail } from "../rls-scope.js";
import { matchesTablePattern, tableLabel } from "../table-pattern.js";

const id = "rls.enabled";

/**
 * Every table and partitioned table of the RLS schemas (`checks.rls.schemas`; `public` with
 * the Supabase preset) has row-level security enabled, and FORCE where `checks.rls.force`
 * names the table (`schema.table`) or its schema (`schema`, `schema.*`). Without FORCE the
 * table's owner bypasses every policy, which matters when the application connects as the
 * owner. Partitions count on their own: a query that names a partition directly uses the
 * partition's RLS, not its parent's. A `force` entry that matches no table is a warning (a
 * typo would silently require nothing). Fails when an RLS schema is not among the snapshot's
 * schemas, since its tables cannot be judged. Skipped when no schema requires RLS.
 * https://www.postgresql.org/docs/current/ddl-rowsecurity.html
 */
export const rlsEnabled: Check = {
  id,
  description: "every table of checks.rls.schemas has RLS enabled, and FORCE where configured",
  async run(context) {
    const { schemas, tables, unread } = rlsScopeOf(context);
    if (schemas.length === 0) {
      return { id, status: "skip", summary: "no schema requires RLS (checks.rls.schemas is empty)", observed: { schemas: 0 }, details: [] };
    }
    const force = context.config.checks.rls.force;
    const forced = context.after.tables.filter(
      (table) => table.kind !== "foreign table" && force.some((pattern) => matchesTablePattern(pattern, table)),
    );
    const withoutRls = tables.filter((table) => !table.rls.enabled);
    // FORCE without ENABLE does nothing: both flags are needed.
    const withoutForce = forced.filter((table) => !(table.rls.enabled && table.rls.forced));
    const unmatched = force.filter((pattern) => !context.after.tables.some((table) => matchesTablePattern(pattern, table)));
    const observed = {
      schemas: schemas.length,
      tables: tables.length,
      without_rls: withoutRls.length,
      force_required: forced.length,
      without_force: withoutForce.length,
      unread_schemas: unread.length,
    };
    const details = limitDetails([
      ...unread.map(unreadSchemaDetail),
      ...withoutRls.map((table) => `${tableLabel(table)}: row-level security is not enabled`),
      ...withoutForce.map((table) => `${tableLabel(table)}: row-level security is not forced (checks.rls.force), so its owner bypasses it`),
      ...unmatched.map((pattern) => `checks.rls.force entry "${pattern}" matches no table`),
    ]);
    const where = `in ${schemas.join(", ")}`;
    const forceNote = forced.length > 0 ? `, ${forced.length} forced as required` : "";
    if (unread.length > 0 || withoutRls.length > 0 || withoutForce.length > 0) {
      const problems = [
        ...(unread.length > 0 ? [`${plural(unread.length, "schema")} not read`] : []),
        ...(withoutRls.length > 0 ? [`${withoutRls.length} without RLS`] : []),
        ...(withoutForce.length > 0 ? [`${withoutForce.length} of ${forced.length} without FORCE`] : []),
      ];
      return { id, status: "fail", summary: `${plural(tables.length, "table")} ${where}: ${problems.join(", ")}`, observed, details };
    }
    const summary = `${plural(tables.length, "table")} ${where}, all with RLS enabled${forceNote}`;
    if (unmatched.length > 0) {
      return {
        id,
        status: "warn",
        summary: `${summary}; ${plural(unmatched.length, "force entry", "force entries")} match no table`,
        observed,
        details,
      };
    }
    return { id, status: "pass", summary, observed, details };
  },
};
