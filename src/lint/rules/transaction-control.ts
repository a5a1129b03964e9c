import { readDirectives } from "../../plan/directives.js";
import { nonTransactionalStatement } from "../../plan/transaction-mode.js";
import type { MigrationContext } from "../rule.js";
import { defineRule } from "../rule.js";

/** What each transaction-ending or -starting statement does to a migration drydock would wrap. */
const effects: Record<string, string> = {
  TRANS_STMT_BEGIN: "opens a transaction of the file's own",
  TRANS_STMT_START: "opens a transaction of the file's own",
  TRANS_STMT_COMMIT: "commits what ran before it on its own, so a later failure cannot undo it",
  TRANS_STMT_ROLLBACK: "discards work of the migration, which drydock still records as applied",
  TRANS_STMT_PREPARE: "prepares a two-phase transaction that stays open, holding its locks, until someone commits it",
  TRANS_STMT_COMMIT_PREPARED: "commits a prepared transaction from inside a migration",
  TRANS_STMT_ROLLBACK_PREPARED: "rolls back a prepared transaction from inside a migration",
};

const spelling: Record<string, string> = {
  TRANS_STMT_BEGIN: "BEGIN",
  TRANS_STMT_START: "START TRANSACTION",
  TRANS_STMT_COMMIT: "COMMIT",
  TRANS_STMT_ROLLBACK: "ROLLBACK",
  TRANS_STMT_PREPARE: "PREPARE TRANSACTION",
  TRANS_STMT_COMMIT_PREPARED: "COMMIT PREPARED",
  TRANS_STMT_ROLLBACK_PREPARED: "ROLLBACK PREPARED",
};

const wrappable = new WeakMap<MigrationContext, boolean>();

/**
 * Would drydock run this migration in one transaction if the file did not control its own?
 * Not when `-- drydock:no-transaction` or the migration format says so, nor when a statement
 * refuses a transaction block: then the file's BEGIN/COMMIT are the author's deliberate choice.
 */
function wouldBeWrapped(migration: MigrationContext): boolean {
  let answer = wrappable.get(migration);
  if (answer === undefined) {
    const { file, sql, formatAllowsTransaction } = migration.migration.up;
    answer =
      formatAllowsTransaction &&
      !readDirectives(file, sql).noTransaction &&
      !migration.statements.some(({ parsed }) => nonTransactionalStatement(parsed.node) !== null);
    wrappable.set(migration, answer);
  }
  return answer;
}

/**
 * drydock runs a migration and its history row in one transaction, so a failure leaves nothing
 * behind. A BEGIN, COMMIT or ROLLBACK of the file's own breaks that: drydock has to fall back to
 * running it statement by statement (SPEC §3), a COMMIT in the middle leaves the first half
 * applied when the second fails, and a ROLLBACK silently undoes work that is then recorded as
 * applied. A file whose whole content is one `BEGIN; … COMMIT;` is not reported: drydock drops
 * those two statements and runs the rest in its own transaction. SAVEPOINT, RELEASE and
 * ROLLBACK TO stay inside the transaction and are fine. A migration that runs outside a
 * transaction on purpose (`-- drydock:no-transaction`, or a statement such as CREATE INDEX
 * CONCURRENTLY that refuses one) may manage its own transactions.
 * https://www.postgresql.org/docs/current/tutorial-transactions.html
 */
export const transactionControl = defineRule({
  id: "transaction-control",
  category: "correctness",
  severity: "error",
  summary: "BEGIN, COMMIT or ROLLBACK inside a migration that drydock runs in one transaction",
  why: "The migration is no longer atomic: a failure part-way leaves it half applied, with no clean way to retry or roll back.",
  alternative:
    "Remove the statement and let drydock wrap the migration in its transaction; split work that must commit separately into migrations of its own.",
  check({ node, parsed, migration, report }) {
    const kind = (node.TransactionStmt as { kind?: string } | undefined)?.kind;
    const effect = kind ? effects[kind] : undefined;
    if (!kind || !effect) return;
    if (migration.mode.skip.includes(parsed.index) || !wouldBeWrapped(migration)) return;
    report({ message: `${spelling[kind]} ${effect}; drydock can no longer run this migration as one transaction` });
  },
});
