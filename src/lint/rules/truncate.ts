import { listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * TRUNCATE empties a table at once, without scanning it and without firing ON DELETE triggers,
 * under an ACCESS EXCLUSIVE lock; CASCADE also empties every table that references it through a
 * foreign key. A table created earlier in the same migration holds nothing anyone else wrote,
 * so it is exempt. https://www.postgresql.org/docs/current/sql-truncate.html
 */
export const truncate = defineRule({
  id: "truncate",
  category: "destructive",
  severity: "warning",
  summary: "TRUNCATE deletes every row of a table",
  why: "Every row is gone for good (only a backup restores them), and ON DELETE triggers and audit logging do not run.",
  alternative:
    "Delete only the rows that must go, with a WHERE clause and in batches; add -- drydock:allow truncate <reason> when emptying the table is intended.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const statement = node.TruncateStmt as { relations?: unknown; behavior?: string } | undefined;
    if (!statement) return;
    const cascade = statement.behavior === "DROP_CASCADE" ? ", and CASCADE empties every table that references it" : "";
    for (const relation of listOf(statement.relations)) {
      const table = qualify(unwrap(relation)[1]);
      if (isCreatedInThisMigration(table)) continue;
      report({ message: `TRUNCATE deletes every row of ${table}${cascade}` });
    }
  },
});
