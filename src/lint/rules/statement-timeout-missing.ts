import { defineRule } from "../rule.js";
import { firstUnguardedLock } from "./lock-timeout-missing.js";

/**
 * statement_timeout bounds how long one statement runs, lock waits included, so a rewrite or a
 * scan that takes far longer than expected is cancelled (and its locks released) instead of
 * holding the table. drydock apply sets it itself (`apply.statement_timeout`); a file that other
 * tools run should set it too. One finding per migration, at the first statement that takes a
 * lock stronger than ROW EXCLUSIVE on a relation not created in the same migration with no
 * statement_timeout set before it.
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
 */
export const statementTimeoutMissing = defineRule({
  id: "statement-timeout-missing",
  category: "lock",
  severity: "info",
  summary: "a migration takes a strong lock on an existing table without SET statement_timeout",
  why: "Nothing bounds how long the statement holds its lock: a rewrite or scan that runs far longer than expected keeps the table blocked until it ends.",
  alternative:
    "SET statement_timeout to a bound you can accept at the top of the file (SET LOCAL inside a transaction). drydock apply already does this.",
  check(context) {
    const found = firstUnguardedLock(context.migration, "statement_timeout");
    if (found?.statement !== context.parsed) return;
    context.report({
      message: `${found.lock.relation} gets ${found.lock.mode} with no statement_timeout set before it in this file; drydock apply sets statement_timeout itself, so this matters when another tool runs the file`,
    });
  },
});
