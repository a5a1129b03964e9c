import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

const targets: Readonly<Record<string, string>> = {
  REINDEX_OBJECT_INDEX: "INDEX",
  REINDEX_OBJECT_TABLE: "TABLE",
  REINDEX_OBJECT_SCHEMA: "SCHEMA",
  REINDEX_OBJECT_DATABASE: "DATABASE",
};

/**
 * REINDEX holds SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index it rebuilds
 * (queries the planner would consider it for wait too) for the whole rebuild. REINDEX …
 * CONCURRENTLY (PostgreSQL 12+) rebuilds under SHARE UPDATE EXCLUSIVE, outside a transaction
 * block; before 12, CREATE INDEX CONCURRENTLY a copy and drop the old index. REINDEX SYSTEM has
 * no concurrent form and is not reported. Relations created earlier in the same migration are
 * exempt. https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY
 */
export const reindexNotConcurrent = defineRule({
  id: "reindex-not-concurrent",
  category: "lock",
  severity: "error",
  summary: "REINDEX without CONCURRENTLY blocks writes, and reads that would use the index, for the whole rebuild",
  why: "Writes to the table wait for the whole rebuild, and so do queries planned on the table, since the planner locks each index it considers.",
  alternative: "REINDEX … CONCURRENTLY (PostgreSQL 12+) in a migration marked -- drydock:no-transaction.",
  check({ node, qualify, isCreatedInThisMigration, serverMajor, report }) {
    const reindex = node.ReindexStmt as AstNode | undefined;
    const target = targets[String(reindex?.kind)];
    if (!reindex || !target || isConcurrent(reindex)) return;
    const name = reindex.relation ? qualify(reindex.relation) : String(reindex.name ?? "");
    if (reindex.relation && isCreatedInThisMigration(name)) return;
    const scope =
      target === "INDEX"
        ? `index ${name}`
        : target === "TABLE"
          ? `the indexes of ${name}`
          : `every index in ${target.toLowerCase()}${name ? ` ${name}` : ""}`;
    report({
      message: `REINDEX ${target} rebuilds ${scope} while blocking writes, and reads that would use the index being rebuilt`,
      ...(serverMajor < 12
        ? {
            alternative:
              "PostgreSQL before 12 has no REINDEX CONCURRENTLY: CREATE INDEX CONCURRENTLY a copy, DROP INDEX CONCURRENTLY the old one, then rename the copy.",
          }
        : {}),
    });
  },
});

/** `REINDEX (CONCURRENTLY) …` or `REINDEX … CONCURRENTLY`, unless the option says false. */
function isConcurrent(reindex: AstNode): boolean {
  const option = listOf(reindex.params)
    .map((param) => unwrap(param)[1])
    .find((param) => param.defname === "concurrently");
  if (!option) return false;
  if (option.arg === undefined) return true;
  const [kind, value] = unwrap(option.arg);
  if (kind === "Integer") return Number(value.ival ?? 0) !== 0;
  return !["false", "off", "0", "no"].includes(String(value.sval ?? "").toLowerCase());
}
