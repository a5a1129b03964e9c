import { listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";
import { dmlNodesOf, hasNoRowFilter } from "./delete-without-where.js";

/**
 * UPDATE without a WHERE clause overwrites the column in every row of the table, row-locking
 * each one (a long UPDATE blocks concurrent writers) and leaving a dead version of every row
 * behind. The old values are gone. A table created earlier in the same migration is exempt, and
 * so is a backfill that only sets columns added earlier in the same migration: it overwrites
 * nothing anyone wrote. https://www.postgresql.org/docs/current/sql-update.html
 */
export const updateWithoutWhere = defineRule({
  id: "update-without-where",
  category: "destructive",
  severity: "warning",
  summary: "UPDATE without a WHERE clause overwrites a column in every row of a table",
  why: "The previous values of every row are lost once the migration commits, and the update locks every row until then.",
  alternative:
    "Add a WHERE clause that selects only the rows to change (in batches for large tables, e.g. WHERE id BETWEEN …); add -- drydock:allow update-without-where <reason> when it is intended.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    for (const statement of dmlNodesOf(node, "UpdateStmt")) {
      if (!hasNoRowFilter(statement.whereClause)) continue;
      const table = qualify(statement.relation);
      if (isCreatedInThisMigration(table)) continue;
      const columns = [...new Set(listOf(statement.targetList).map((target) => String(unwrap(target)[1].name ?? "")))];
      if (columns.every((column) => isCreatedInThisMigration(`${table}.${column}`))) continue;
      const how = statement.whereClause ? "with a WHERE clause that names no column" : "without a WHERE clause";
      report({ message: `UPDATE ${how} overwrites ${columns.join(", ")} in every row of ${table}` });
    }
  },
});
