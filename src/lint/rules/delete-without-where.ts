import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/** Statements that run DML now (a rule action or a function body runs it later). */
const dmlRoots = new Set(["DeleteStmt", "UpdateStmt", "InsertStmt", "SelectStmt", "MergeStmt"]);

/** Every node of the given kinds in a subtree, outermost first. */
function nodesOf(value: unknown, kinds: ReadonlySet<string>, found: AstNode[] = []): AstNode[] {
  if (Array.isArray(value)) {
    for (const item of value) nodesOf(item, kinds, found);
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (kinds.has(key) && child && typeof child === "object") found.push(child as AstNode);
      nodesOf(child, kinds, found);
    }
  }
  return found;
}

/**
 * Every `kind` node a top-level DML statement runs, including those inside its WITH clauses
 * (`WITH gone AS (DELETE FROM t RETURNING *) SELECT …`). PostgreSQL allows a data-modifying
 * statement only there ("must be at the top level"), so the rest of the tree (a backfill's
 * thousands of VALUES rows, say) is not searched.
 */
export function dmlNodesOf(node: AstNode, kind: "DeleteStmt" | "UpdateStmt"): AstNode[] {
  const [rootKind, fields] = unwrap(node);
  const found: AstNode[] = [];
  if (dmlRoots.has(rootKind)) collectDml(rootKind, fields, kind, found);
  return found;
}

function collectDml(nodeKind: string, fields: AstNode, kind: string, found: AstNode[]): void {
  if (nodeKind === kind) found.push(fields);
  for (const cte of listOf((fields.withClause as AstNode | undefined)?.ctes)) {
    const [queryKind, query] = unwrap(unwrap(cte)[1].ctequery);
    collectDml(queryKind, query, kind, found);
  }
}

const rowDependent = new Set(["ColumnRef", "CurrentOfExpr"]);

/**
 * True when a WHERE clause is missing or cannot tell rows apart: it names no column at all
 * (`WHERE true`, `WHERE 1 = 1`), so it keeps every row or none. `WHERE CURRENT OF` picks one row.
 */
export function hasNoRowFilter(where: unknown): boolean {
  return nodesOf(where, rowDependent).length === 0;
}

/**
 * DELETE without a WHERE clause removes every row of the table, row by row, firing triggers and
 * taking a ROW EXCLUSIVE lock plus a row lock on every row. In a migration that is almost always
 * a forgotten or lost condition (a WHERE that names no column counts as none). A table created
 * earlier in the same migration is exempt. https://www.postgresql.org/docs/current/sql-delete.html
 */
export const deleteWithoutWhere = defineRule({
  id: "delete-without-where",
  category: "destructive",
  severity: "warning",
  summary: "DELETE without a WHERE clause deletes every row of a table",
  why: "Every row is gone for good once the migration commits, and a long delete holds row locks that block concurrent updates.",
  alternative:
    "Add a WHERE clause that selects only the rows to remove (in batches for large tables); add -- drydock:allow delete-without-where <reason> when emptying the table is intended.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    for (const statement of dmlNodesOf(node, "DeleteStmt")) {
      if (!hasNoRowFilter(statement.whereClause)) continue;
      const table = qualify(statement.relation);
      if (isCreatedInThisMigration(table)) continue;
      const how = statement.whereClause ? "with a WHERE clause that names no column" : "without a WHERE clause";
      report({ message: `DELETE ${how} deletes every row of ${table}` });
    }
  },
});
