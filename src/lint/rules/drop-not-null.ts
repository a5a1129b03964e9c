import { changedExistingColumns } from "../altered-table.js";
import { defineRule } from "../rule.js";

/**
 * ALTER COLUMN … DROP NOT NULL is instant and loses no data, but from then on the column may
 * hold NULLs, and clients written against the old schema (generated types, `row.email.trim()`,
 * joins on the column, unique lookups) were never written for them. Going back is costly: SET NOT
 * NULL scans the table under ACCESS EXCLUSIVE and fails once a NULL got in. A table created, or
 * a column added, earlier in the same migration is exempt.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 */
export const dropNotNull = defineRule({
  id: "drop-not-null",
  category: "destructive",
  severity: "warning",
  summary: "DROP NOT NULL lets a column hold NULLs that existing clients do not expect",
  why: "Code written for a NOT NULL column may crash or misbehave on the first NULL, and restoring the constraint fails once NULLs exist.",
  alternative:
    "Make every client handle NULL in the column and deploy that first, then drop the constraint with -- drydock:allow drop-not-null <reason>.",
  check(context) {
    for (const { table, column } of changedExistingColumns(context, "AT_DropNotNull")) {
      context.report({ message: `DROP NOT NULL on ${table}.${column} lets it hold NULLs that existing clients do not expect` });
    }
  },
});
