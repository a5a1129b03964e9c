import { nonTransactionalStatement, openBlock } from "../../plan/transaction-mode.js";
import { defineRule } from "../rule.js";

/**
 * CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, DETACH PARTITION … CONCURRENTLY (and
 * VACUUM, CREATE DATABASE…) refuse to run inside a transaction block. drydock runs such a file
 * statement by statement, but a BEGIN written in the file opens a block that lasts until its
 * COMMIT, and the statement fails there ("cannot run inside a transaction block"). Which
 * statements are refused comes from the plan's `nonTransactionalStatement()`; the plan reports
 * the same file as a plan finding. https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export const concurrentInTransaction = defineRule({
  id: "concurrent-in-transaction",
  category: "lock",
  severity: "error",
  summary: "a CONCURRENTLY statement inside the file's own BEGIN … COMMIT fails: it cannot run in a transaction block",
  why: "PostgreSQL refuses the statement inside a transaction block, so the migration fails at this statement, possibly after earlier ones committed.",
  alternative: "Remove BEGIN/COMMIT around it: put the statement in a migration of its own marked -- drydock:no-transaction.",
  check({ node, parsed, migration, report }) {
    const refused = nonTransactionalStatement(node);
    if (!refused) return;
    const opened = openBlock(migration.statements.map((statement) => statement.parsed).filter((earlier) => earlier.index < parsed.index));
    if (!opened) return;
    report({
      message: `${refused} runs inside the transaction block opened by BEGIN at line ${opened.line}, and PostgreSQL refuses it there`,
    });
  },
});
