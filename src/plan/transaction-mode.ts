import type { ParsedStatement } from "../parse/parse-sql.js";

/**
 * How a migration runs. `transaction`: all its statements and its history row in one
 * transaction. `statements`: one statement at a time in autocommit, because PostgreSQL refuses
 * one of them inside a transaction block, or the file says so, or the file runs its own
 * transactions. `skip` lists statements not sent: a file's own `BEGIN … COMMIT` around all
 * of it, which drydock's transaction replaces.
 */
export interface TransactionMode {
  mode: "transaction" | "statements";
  reason: string;
  skip: number[];
}

/** The statement PostgreSQL refuses inside a transaction block, described, or null. */
export function nonTransactionalStatement(node: Record<string, unknown>): string | null {
  const [kind = "", body] = Object.entries(node)[0] ?? [];
  const stmt = (body ?? {}) as Record<string, unknown>;
  switch (kind) {
    case "IndexStmt":
      return stmt.concurrent ? "CREATE INDEX CONCURRENTLY" : null;
    case "DropStmt":
      return stmt.concurrent ? "DROP INDEX CONCURRENTLY" : null;
    case "ReindexStmt": {
      const params = (stmt.params ?? []) as Array<{ DefElem?: { defname?: string } }>;
      return params.some((param) => param.DefElem?.defname === "concurrently") ? "REINDEX CONCURRENTLY" : null;
    }
    case "VacuumStmt":
      return stmt.is_vacuumcmd ? "VACUUM" : null;
    case "CreatedbStmt":
      return "CREATE DATABASE";
    case "DropdbStmt":
      return "DROP DATABASE";
    case "AlterSystemStmt":
      return "ALTER SYSTEM";
    case "CreateTableSpaceStmt":
      return "CREATE TABLESPACE";
    case "DropTableSpaceStmt":
      return "DROP TABLESPACE";
    case "ClusterStmt":
      return stmt.relation ? null : "CLUSTER without a table";
    case "DoStmt":
      return doBlockEndsTransactions(stmt) ? "a DO block that runs COMMIT or ROLLBACK" : null;
    case "AlterTableStmt": {
      const cmds = (stmt.cmds ?? []) as Array<{ AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }>;
      const detach = cmds.some(
        (cmd) => cmd.AlterTableCmd?.subtype === "AT_DetachPartition" && cmd.AlterTableCmd.def?.PartitionCmd?.concurrent,
      );
      return detach ? "DETACH PARTITION CONCURRENTLY" : null;
    }
    default:
      return null;
  }
}

/**
 * PL/pgSQL may COMMIT or ROLLBACK inside a DO block only when the block is not itself inside a
 * transaction block (PostgreSQL 11+, "Transaction Management" in the PL/pgSQL chapter). Comments
 * and string literals are removed first so a word in a message does not count.
 */
function doBlockEndsTransactions(stmt: Record<string, unknown>): boolean {
  const args = (stmt.args ?? []) as Array<{ DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }>;
  const language = args.find((arg) => arg.DefElem?.defname === "language")?.DefElem?.arg?.String?.sval ?? "plpgsql";
  const body = args.find((arg) => arg.DefElem?.defname === "as")?.DefElem?.arg?.String?.sval ?? "";
  if (language.toLowerCase() !== "plpgsql") return false;
  // One pass, so that "--" inside a string and a quote inside a comment are both read right.
  const code = body.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, " ");
  return /(^|[;\s])(COMMIT|ROLLBACK)(\s+AND\s+(NO\s+)?CHAIN)?\s*;/i.test(code);
}

const openers = new Set(["TRANS_STMT_BEGIN", "TRANS_STMT_START"]);
const closers = new Set(["TRANS_STMT_COMMIT"]);
const endings = new Set([
  "TRANS_STMT_COMMIT",
  "TRANS_STMT_ROLLBACK",
  "TRANS_STMT_PREPARE",
  "TRANS_STMT_COMMIT_PREPARED",
  "TRANS_STMT_ROLLBACK_PREPARED",
]);

function transactionKind(statement: ParsedStatement | undefined): string | null {
  const stmt = statement?.node.TransactionStmt as { kind?: string } | undefined;
  return stmt?.kind ?? null;
}

/**
 * Decides how a migration runs (SPEC §3, `-- drydock:no-transaction` and automatic detection).
 * `formatAllowsTransaction` carries the format's own marker (goose `NO TRANSACTION`, diesel
 * `run_in_transaction = false`, sql-migrate `notransaction`).
 */
export function decideTransactionMode(
  statements: readonly ParsedStatement[],
  options: { noTransactionDirective: boolean; formatAllowsTransaction: boolean },
): TransactionMode {
  if (options.noTransactionDirective) return { mode: "statements", reason: "-- drydock:no-transaction", skip: [] };
  if (!options.formatAllowsTransaction)
    return { mode: "statements", reason: "the migration format marks it as non-transactional", skip: [] };
  for (const statement of statements) {
    const refused = nonTransactionalStatement(statement.node);
    if (refused) {
      return { mode: "statements", reason: `${refused} at line ${statement.line} cannot run inside a transaction block`, skip: [] };
    }
  }
  const first = statements[0];
  const last = statements[statements.length - 1];
  const firstKind = transactionKind(first);
  const lastKind = transactionKind(last);
  const wrapsItself = statements.length >= 2 && firstKind !== null && openers.has(firstKind) && lastKind !== null && closers.has(lastKind);
  const inner = wrapsItself ? statements.slice(1, -1) : statements;
  const ownControl = inner.find((statement) => {
    const kind = transactionKind(statement);
    return kind !== null && (openers.has(kind) || endings.has(kind));
  });
  if (ownControl) {
    return { mode: "statements", reason: `the file controls its own transactions (line ${ownControl.line})`, skip: [] };
  }
  if (wrapsItself && first && last) {
    return {
      mode: "transaction",
      reason: "the file's own BEGIN … COMMIT is replaced by drydock's transaction",
      skip: [first.index, last.index],
    };
  }
  return { mode: "transaction", reason: "default", skip: [] };
}

/** The BEGIN (or START TRANSACTION) whose block is still open after these statements, if any. */
export function openBlock(statements: readonly ParsedStatement[]): ParsedStatement | null {
  let opened: ParsedStatement | null = null;
  for (const statement of statements) {
    const transaction = statement.node.TransactionStmt as { kind?: string; chain?: boolean } | undefined;
    if (transaction?.kind === "TRANS_STMT_BEGIN" || transaction?.kind === "TRANS_STMT_START") opened ??= statement;
    const ends = transaction?.kind === "TRANS_STMT_COMMIT" || transaction?.kind === "TRANS_STMT_ROLLBACK";
    if (ends && !transaction?.chain) opened = null;
    if (transaction?.kind === "TRANS_STMT_PREPARE") opened = null;
  }
  return opened;
}

/** A statement PostgreSQL refuses in a transaction block that stands inside the file's own BEGIN … COMMIT. */
export interface RefusedInsideBlock {
  statement: ParsedStatement;
  opened: ParsedStatement;
  /** What is refused: "CREATE INDEX CONCURRENTLY", … */
  refused: string;
}

/**
 * The first statement that the file's own transaction block makes fail: drydock runs such a
 * file statement by statement, but a BEGIN written in it lasts until its COMMIT, and
 * CONCURRENTLY (and the like) fails inside (SPEC §3 `concurrent-in-transaction`).
 */
export function firstRefusedInsideBlock(statements: readonly ParsedStatement[]): RefusedInsideBlock | null {
  for (const [position, statement] of statements.entries()) {
    const refused = nonTransactionalStatement(statement.node);
    if (!refused) continue;
    const opened = openBlock(statements.slice(0, position));
    if (opened) return { statement, opened, refused };
  }
  return null;
}
