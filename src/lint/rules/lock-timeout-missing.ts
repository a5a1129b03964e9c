import type { AnalyzedStatement } from "../../analyze/analyze-statement.js";
import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { type LockMode, lockModes, type RelationLock } from "../../model/analysis.js";
import type { ParsedStatement } from "../../parse/parse-sql.js";
import { defineRule, type MigrationContext } from "../rule.js";

/** A setting that bounds how long a statement may wait or run. */
export type TimeoutSetting = "lock_timeout" | "statement_timeout";

/** The first statement of a migration that locks an existing relation with no timeout in force. */
export interface UnguardedLock {
  statement: ParsedStatement;
  lock: RelationLock;
}

const strongest = lockModes.indexOf("RowExclusiveLock");
const cache = new WeakMap<MigrationContext, Map<TimeoutSetting, UnguardedLock | null>>();

/**
 * A lock request that has to wait blocks every later request that conflicts with it, so an
 * ALTER TABLE queued behind one long SELECT stops all traffic on the table until it gets its lock.
 * `SET lock_timeout` makes it give up instead. drydock apply sets lock_timeout (and
 * statement_timeout) itself; a file that other tools run (psql, another migration runner) should
 * set it too. One finding per migration, at the first statement that takes a lock stronger than
 * ROW EXCLUSIVE on a relation not created in the same migration with no lock_timeout set before
 * it. https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
 */
export const lockTimeoutMissing = defineRule({
  id: "lock-timeout-missing",
  category: "lock",
  severity: "info",
  summary: "a migration takes a strong lock on an existing table without SET lock_timeout",
  why: "A lock request that waits (behind a long query, say) makes every later query on the table wait behind it, until it is granted: without lock_timeout, that is an outage of unbounded length.",
  alternative:
    "SET lock_timeout = '3s' at the top of the file (SET LOCAL inside a transaction), and retry the migration when it times out. drydock apply already does this.",
  check(context) {
    const found = firstUnguardedLock(context.migration, "lock_timeout");
    if (found?.statement !== context.parsed) return;
    context.report({
      message: `${found.lock.relation} gets ${found.lock.mode} with no lock_timeout set before it in this file; drydock apply sets lock_timeout itself, so this matters when another tool runs the file`,
    });
  },
});

/**
 * The first statement of the migration that takes a lock stronger than ROW EXCLUSIVE on a relation
 * it did not create, while `setting` is not in force (never set, set to 0, reset, or SET LOCAL
 * outside a transaction block where it has no effect). Computed once per migration.
 */
export function firstUnguardedLock(migration: MigrationContext, setting: TimeoutSetting): UnguardedLock | null {
  const bySetting = cache.get(migration) ?? new Map<TimeoutSetting, UnguardedLock | null>();
  cache.set(migration, bySetting);
  if (!bySetting.has(setting)) bySetting.set(setting, search(migration, setting));
  return bySetting.get(setting) ?? null;
}

function search(migration: MigrationContext, setting: TimeoutSetting): UnguardedLock | null {
  const inOneTransaction = migration.mode.mode === "transaction";
  const created = new Set<string>();
  let session = false;
  let local: boolean | null = null;
  let inBlock = false;
  for (const { parsed, facts } of migration.statements) {
    const transaction = parsed.node.TransactionStmt as { kind?: string; chain?: boolean } | undefined;
    if (transaction && !inOneTransaction) {
      if (transaction.kind === "TRANS_STMT_BEGIN" || transaction.kind === "TRANS_STMT_START") inBlock = true;
      if ((transaction.kind === "TRANS_STMT_COMMIT" || transaction.kind === "TRANS_STMT_ROLLBACK") && !transaction.chain) inBlock = false;
      local = null;
      continue;
    }
    const change = timeoutChange(parsed.node, setting);
    if (change?.isLocal && (inOneTransaction || inBlock)) local = change.isSet;
    if (change && !change.isLocal) {
      session = change.isSet;
      local = null;
    }
    if (!(local ?? session)) {
      const lock = strongLockOn(facts, created);
      if (lock) return { statement: parsed, lock };
    }
    for (const object of facts.creates) created.add(object.name);
  }
  return null;
}

function strongLockOn(facts: AnalyzedStatement, created: ReadonlySet<string>): RelationLock | undefined {
  return facts.locks.find((lock) => lockModes.indexOf(lock.mode as LockMode) > strongest && !created.has(lock.relation));
}

/** What a statement does to the setting: SET / SET LOCAL / RESET / set_config(); null if nothing. */
function timeoutChange(node: AstNode, setting: TimeoutSetting): { isSet: boolean; isLocal: boolean } | null {
  const set = node.VariableSetStmt as AstNode | undefined;
  if (set) {
    if (set.kind === "VAR_RESET_ALL") return { isSet: false, isLocal: false };
    if (set.name !== setting) return null;
    const isLocal = set.is_local === true;
    if (set.kind !== "VAR_SET_VALUE") return { isSet: false, isLocal };
    return { isSet: !isZero(listOf(set.args)[0]), isLocal };
  }
  const select = node.SelectStmt as AstNode | undefined;
  for (const target of listOf(select?.targetList)) {
    const [callKind, call] = unwrap(unwrap(target)[1].val);
    const name = names(call.funcname);
    if (callKind !== "FuncCall" || name[name.length - 1] !== "set_config") continue;
    const [nameArgument, value, isLocal] = listOf(call.args).map((argument) => unwrap(argument)[1]);
    if ((nameArgument?.sval as { sval?: string } | undefined)?.sval !== setting) continue;
    return { isSet: !isZero({ A_Const: value }), isLocal: (isLocal?.boolval as { boolval?: boolean } | undefined)?.boolval === true };
  }
  return null;
}

/** A timeout of zero (or an unreadable value, taken as zero): `0`, `'0'`, `'0ms'`, `'0s'`… */
function isZero(argument: unknown): boolean {
  const [kind, constant] = unwrap(argument);
  if (kind !== "A_Const") return true;
  if (constant.ival !== undefined) return Number((constant.ival as { ival?: number }).ival ?? 0) === 0;
  const text = String(
    (constant.sval as { sval?: string } | undefined)?.sval ?? (constant.fval as { fval?: string } | undefined)?.fval ?? "0",
  );
  return /^\s*0*(\.0*)?\s*[a-z]*\s*$/i.test(text);
}
