import { changedExistingColumns } from "../altered-table.js";
import { defineRule } from "../rule.js";

/**
 * ALTER TABLE … DROP COLUMN removes the column's data for good (the space is reclaimed by later
 * rewrites), and every query that names the column, or an ORM that selects it by name, fails
 * from the moment the migration commits: during a rolling deploy the old code is still running.
 * A column of a table created, or a column added, earlier in the same migration is exempt.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN
 */
export const dropColumn = defineRule({
  id: "drop-column",
  category: "destructive",
  severity: "warning",
  summary: "DROP COLUMN deletes a column's data and breaks clients that still use it",
  why: "The column's values are gone for good, and code still deployed that reads or writes the column fails.",
  alternative:
    "Stop using the column in the application and deploy that first; drop it in a later migration with -- drydock:allow drop-column <reason>.",
  check(context) {
    for (const { table, column, command } of changedExistingColumns(context, "AT_DropColumn")) {
      const cascade = command.behavior === "DROP_CASCADE" ? " (CASCADE also drops the views, indexes and constraints that use it)" : "";
      context.report({ message: `DROP COLUMN ${column} deletes the data of ${table}.${column}${cascade}` });
    }
  },
});
