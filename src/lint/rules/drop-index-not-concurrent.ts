import { type AstNode, listOf, names, type RangeVar, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * DROP INDEX takes ACCESS EXCLUSIVE on the index's table. The drop itself is quick, but the lock
 * request waits behind every running query on the table, and every query that arrives meanwhile
 * waits behind it. DROP INDEX CONCURRENTLY waits for those queries under SHARE UPDATE EXCLUSIVE
 * instead; it drops one index at a time, without CASCADE, outside a transaction block. Indexes
 * created earlier in the same migration are exempt.
 * https://www.postgresql.org/docs/current/sql-dropindex.html
 */
export const dropIndexNotConcurrent = defineRule({
  id: "drop-index-not-concurrent",
  category: "lock",
  severity: "warning",
  summary: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table",
  why: "The lock request waits for every running query on the table, and all reads and writes that arrive meanwhile queue behind it.",
  alternative: "DROP INDEX CONCURRENTLY IF EXISTS, one index per statement, in a migration marked -- drydock:no-transaction.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const drop = node.DropStmt as AstNode | undefined;
    if (drop?.removeType !== "OBJECT_INDEX" || drop.concurrent) return;
    const indexes = listOf(drop.objects)
      .map((object) => {
        const parts = names(unwrap(object)[1].items);
        const relation: RangeVar = { relname: parts[parts.length - 1] ?? "" };
        if (parts.length > 1) relation.schemaname = parts[parts.length - 2] as string;
        return qualify(relation);
      })
      .filter((index) => !isCreatedInThisMigration(index));
    if (indexes.length === 0) return;
    report({ message: `DROP INDEX ${indexes.join(", ")} takes ACCESS EXCLUSIVE on the table: reads and writes queue behind it` });
  },
});
