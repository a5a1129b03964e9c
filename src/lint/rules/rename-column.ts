import { defineRule } from "../rule.js";

/**
 * ALTER TABLE … RENAME COLUMN takes effect when the migration commits, while the code still
 * deployed keeps using the old name: during a rolling deploy its queries fail with "column does
 * not exist". Views keep working (they store the column, not its name), which hides the break
 * from database-side tests. A column of a table created, or a column added, earlier in the same
 * migration is exempt. https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME
 */
export const renameColumn = defineRule({
  id: "rename-column",
  category: "destructive",
  severity: "warning",
  summary: "renaming a column breaks clients that still use the old name",
  why: "Code deployed before the migration keeps sending the old column name, and each of its queries fails until it is replaced.",
  alternative:
    "Expand and contract: add the new column, keep both in sync (trigger or application writes) and backfill, move every client to it, then drop the old column in a later migration.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const rename = node.RenameStmt as { renameType?: string; relation?: unknown; subname?: string; newname?: string } | undefined;
    if (rename?.renameType !== "OBJECT_COLUMN") return;
    const relation = qualify(rename.relation);
    const column = String(rename.subname ?? "");
    if (isCreatedInThisMigration(relation) || isCreatedInThisMigration(`${relation}.${column}`)) return;
    report({
      message: `renaming ${relation}.${column} to ${String(rename.newname ?? "")} breaks every client that still uses the old name`,
    });
  },
});
