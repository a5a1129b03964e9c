import { defineRule } from "../rule.js";

/**
 * CREATE INDEX holds a SHARE lock on the table for the whole build: reads go on, every INSERT,
 * UPDATE and DELETE waits. CONCURRENTLY builds without blocking writes but cannot run in a
 * transaction block. A table created earlier in the same migration has no other users, so it is
 * exempt. https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export const indexNotConcurrent = defineRule({
  id: "index-not-concurrent",
  category: "lock",
  severity: "error",
  summary: "CREATE INDEX without CONCURRENTLY on an existing table blocks writes for the whole build",
  why: "Every INSERT, UPDATE and DELETE on the table waits until the index is built, which takes minutes on a large table.",
  alternative: "CREATE INDEX CONCURRENTLY (IF NOT EXISTS) in a migration of its own marked -- drydock:no-transaction.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const index = node.IndexStmt as { concurrent?: boolean; relation?: { schemaname?: string; relname?: string } } | undefined;
    if (!index || index.concurrent) return;
    const table = qualify(index.relation);
    if (isCreatedInThisMigration(table)) return;
    report({ message: `CREATE INDEX blocks writes to ${table} until the build finishes` });
  },
});
