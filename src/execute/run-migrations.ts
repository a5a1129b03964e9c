import type { Engine, Notice } from "../db/engine.js";
import { forgetMigrationSql, recordMigrationSql } from "../db/history.js";
import { ServerError } from "../db/server-error.js";
import { LOCK_NOT_AVAILABLE } from "../db/sqlstate.js";
import { EnvironmentError, InputError } from "../errors/drydock-error.js";
import type { ParsedStatement } from "../parse/parse-sql.js";
import { describeFailure, type MigrationFailure } from "./migration-failure.js";
import { type PreparedMigration, prepareAhead } from "./prepared-migration.js";

export interface RunMigrationsOptions {
  /** `SET LOCAL lock_timeout`, in ms; 0 waits forever. */
  lockTimeoutMs: number;
  /** How many times a statement that hit lock_timeout is tried again. */
  lockRetries: number;
  /** `SET LOCAL statement_timeout`, in ms; 0 means no limit. */
  statementTimeoutMs: number;
  /** "per-migration": a transaction each; "all": one transaction for the whole run. */
  transaction: "per-migration" | "all";
  runId: number | null;
  appliedBy: string;
  /** First wait before a retry; doubled each time. */
  retryBaseMs?: number;
  /**
   * Settings drydock itself keeps on the session (e.g. `SET client_connection_check_interval = 1000`),
   * re-applied after the `RESET ALL` that starts every migration.
   */
  sessionSettings?: readonly string[];
  /**
   * "up" (default) records each migration in drydock.migrations; "down" runs prepared down
   * scripts (prepareDownMigrations) and deletes each migration's row in the same transaction.
   */
  direction?: "up" | "down";
  /**
   * Called inside a transactional migration's own transaction, after its statements and before
   * its history row and commit, on the same session: what it sees (pg_locks, the catalog) is
   * what the migration holds and did. Where a migration runs as one script, the script is sent
   * in two parts around it (BEGIN and the statements; the history row and COMMIT).
   */
  inspectBeforeCommit?: (prepared: PreparedMigration) => Promise<void>;
  onEvent?: (event: RunEvent) => void;
}

export type RunEvent =
  | { type: "start"; version: string; name: string }
  | { type: "applied"; version: string; name: string; durationMs: number; notices: Notice[] }
  | { type: "retry"; version: string; attempt: number; waitMs: number; message: string }
  | { type: "failed"; version: string; failure: MigrationFailure };

export interface AppliedStep {
  version: string;
  name: string;
  duration_ms: number;
}

export interface RunMigrationsResult {
  applied: AppliedStep[];
  failed: MigrationFailure | null;
}

/** A statement failed; carries which one so the failure can be located. */
class StatementFailure extends Error {
  constructor(
    readonly statement: ParsedStatement,
    readonly serverError: ServerError,
    readonly attempts: number,
    /** PostgreSQL's 1-based character position within the statement, when it gave one. */
    readonly positionInStatement: number | undefined = serverError.position,
  ) {
    super(serverError.message);
  }
}

/**
 * Applies migrations in order and stops at the first failure (SPEC §7 Apply step 5). A
 * transactional migration runs in its own transaction with `SET LOCAL lock_timeout` and
 * `statement_timeout`, and its history row is written in that transaction, so a crash leaves
 * all of it or none of it. A lock timeout rolls the migration back and tries again after a
 * growing pause, so it never queues ahead of application traffic for long. A
 * statement-by-statement migration runs in autocommit; its history row is written once every
 * statement succeeded.
 *
 * Per-migration commits use `synchronous_commit = off`: the caller's final durable commit
 * (drydock.runs) flushes the WAL of all of them, and an earlier crash loses whole migrations
 * together with their history rows, never half of one.
 */
export async function runMigrations(
  engine: Engine,
  migrations: readonly PreparedMigration[],
  options: RunMigrationsOptions,
): Promise<RunMigrationsResult> {
  const applied: AppliedStep[] = [];
  if (options.transaction === "all") {
    const refused = migrations.find((prepared) => prepared.mode.mode === "statements");
    if (refused) {
      throw new InputError(`migration ${refused.migration.version} cannot run inside the single transaction of transaction = "all"`, {
        location: { file: refused.file, line: 1, column: 1 },
        hint: `${refused.mode.reason}. Use apply.transaction = "per-migration", or move that statement to a migration of its own.`,
      });
    }
    return runAllInOneTransaction(engine, migrations, options);
  }
  for (const [position, prepared] of migrations.entries()) {
    const { version, name } = prepared.migration;
    options.onEvent?.({ type: "start", version, name });
    const started = performance.now();
    const next = migrations[position + 1];
    let notices: Notice[];
    try {
      notices =
        prepared.mode.mode === "transaction"
          ? await runInTransaction(engine, prepared, options, started, next)
          : await runStatementByStatement(engine, prepared, options, started);
    } catch (error) {
      if (!(error instanceof StatementFailure)) throw error;
      const failure = await failureOf(engine, prepared, error, options);
      options.onEvent?.({ type: "failed", version, failure });
      return { applied, failed: failure };
    }
    const durationMs = Math.round(performance.now() - started);
    applied.push({ version, name, duration_ms: durationMs });
    options.onEvent?.({ type: "applied", version, name, durationMs, notices });
  }
  return { applied, failed: null };
}

/**
 * The history row, written as the connecting user even when the migration ended with SET ROLE
 * (that role may not be allowed to write drydock's tables).
 */
function historyStatement(row: Parameters<typeof recordMigrationSql>[0], options: RunMigrationsOptions): string {
  const change = options.direction === "down" ? forgetMigrationSql(row.version) : recordMigrationSql(row);
  return `RESET ROLE; ${change}`;
}

/**
 * Every migration starts from the session's connection-time state, as if each file ran in its
 * own psql session (and as Flyway restores it): a `SET search_path` or `SET ROLE` one migration
 * leaves behind must not change where the next one creates its objects. `RESET ALL` keeps what
 * the connection and the database's own defaults set; drydock's own settings are re-applied.
 */
function sessionReset(options: RunMigrationsOptions): { sql: string; statements: number } {
  const settings = options.sessionSettings ?? [];
  return { sql: ["RESET ALL", ...settings].map((statement) => `${statement};`).join(" "), statements: 1 + settings.length };
}

function timeoutSettings(options: RunMigrationsOptions, scope: "LOCAL" | "SESSION"): string {
  const local = scope === "LOCAL" ? "LOCAL " : "";
  return `SET ${local}lock_timeout = ${options.lockTimeoutMs}; SET ${local}statement_timeout = ${options.statementTimeoutMs};`;
}

async function runInTransaction(
  engine: Engine,
  prepared: PreparedMigration,
  options: RunMigrationsOptions,
  started: number,
  next: PreparedMigration | undefined,
): Promise<Notice[]> {
  if (engine.capabilities.countsCompletedStatements) return runAsOneScript(engine, prepared, options, next);
  for (let attempt = 0; ; attempt++) {
    const notices: Notice[] = [];
    await engine.exec(`${sessionReset(options).sql} BEGIN; ${timeoutSettings(options, "LOCAL")} SET LOCAL synchronous_commit = off;`);
    try {
      for (const statement of prepared.script.statements) {
        if (prepared.mode.skip.includes(statement.index)) continue;
        notices.push(...(await execStatement(engine, statement, attempt)));
      }
      await options.inspectBeforeCommit?.(prepared);
      await engine.exec(`${historyStatement(historyRow(prepared, options, started), options)}; COMMIT;`);
      return notices;
    } catch (error) {
      await engine.exec("ROLLBACK");
      if (!(await shouldRetry(error, attempt, prepared, options))) throw error;
    }
  }
}

/**
 * Sends the whole migration, with its BEGIN, timeouts, history row and COMMIT, as one simple
 * query: one round trip per migration, as dbmate and postgres-migrations do, instead of one per
 * statement. A failure is still pinned to its statement: by PostgreSQL's error position when it
 * gives one, else by how many statements completed before the error. With `inspectBeforeCommit`
 * the script is cut after the statements: the first part is the same text up to there, so
 * positions and statement counts locate a failure the same way; the hook runs, then the history
 * row and COMMIT.
 */
async function runAsOneScript(
  engine: Engine,
  prepared: PreparedMigration,
  options: RunMigrationsOptions,
  next: PreparedMigration | undefined,
): Promise<Notice[]> {
  const statements = prepared.script.statements.filter((statement) => !prepared.mode.skip.includes(statement.index));
  const reset = sessionReset(options);
  const prefix = [`${reset.sql} BEGIN; ${timeoutSettings(options, "LOCAL")} SET LOCAL synchronous_commit = off;`, ""];
  const prefixStatements = reset.statements + 4;
  // "\n;\n" ends a trailing line comment before the separator.
  const body = statements.map((statement) => statement.sql).join("\n;\n");
  const history = historyStatement(historyRow(prepared, options, "server"), options);
  const head = `${prefix.join("\n")}${body}\n;\n`;
  const tail = `${history};\nCOMMIT;`;
  const inspect = options.inspectBeforeCommit;
  for (let attempt = 0; ; attempt++) {
    let part: "statements" | "inspection" | "history" = "statements";
    try {
      if (!inspect) {
        const running = engine.exec(`${head}${tail}`); // on the wire once exec is called
        prepareAhead(next);
        return await running;
      }
      const notices = await engine.exec(head);
      part = "inspection";
      await inspect(prepared);
      part = "history";
      notices.push(...(await engine.exec(tail)));
      return notices;
    } catch (error) {
      if (part === "inspection") {
        await engine.exec("ROLLBACK");
        throw error;
      }
      if (!(error instanceof ServerError)) throw error;
      await engine.exec("ROLLBACK");
      const failure = part === "statements" ? locateInScript(error, statements, prefix.join("\n"), prefixStatements, attempt + 1) : null;
      if (!failure) {
        // drydock's own statements (BEGIN, timeouts, the history row) failed: not the migration's fault.
        throw new EnvironmentError(
          `could not record migration ${prepared.migration.version} in drydock.migrations: ${error.message} (${error.codeLabel})`,
          {
            hint: "The migration was rolled back. Check that the user can write to schema drydock (drydock creates it on first apply).",
            cause: error,
          },
        );
      }
      if (!(await shouldRetry(failure, attempt, prepared, options))) throw failure;
    }
  }
}

/** Which statement of a script sent as one query failed, and where in it. */
function locateInScript(
  error: ServerError,
  statements: readonly ParsedStatement[],
  prefix: string,
  prefixStatements: number,
  attempts: number,
): StatementFailure | null {
  if (error.position !== undefined) {
    // PostgreSQL counts characters (code points) from the start of the whole query.
    let offset = [...prefix].length;
    for (const statement of statements) {
      const length = [...statement.sql].length;
      if (error.position <= offset + length) return new StatementFailure(statement, error, attempts, error.position - offset);
      offset += length + 3; // "\n;\n"
    }
  }
  const index = (error.completedStatements ?? -1) - prefixStatements;
  const statement = statements[index];
  return statement ? new StatementFailure(statement, error, attempts, undefined) : null;
}

async function runStatementByStatement(
  engine: Engine,
  prepared: PreparedMigration,
  options: RunMigrationsOptions,
  started: number,
): Promise<Notice[]> {
  const notices: Notice[] = [];
  await engine.exec(`${sessionReset(options).sql} ${timeoutSettings(options, "SESSION")}`);
  try {
    for (const statement of prepared.script.statements) {
      for (let attempt = 0; ; attempt++) {
        try {
          notices.push(...(await execStatement(engine, statement, attempt)));
          break;
        } catch (error) {
          if (!(await shouldRetry(error, attempt, prepared, options))) throw error;
        }
      }
    }
    await engine.exec(historyStatement(historyRow(prepared, options, started), options));
  } finally {
    await engine.exec("RESET lock_timeout; RESET statement_timeout;");
  }
  return notices;
}

async function runAllInOneTransaction(
  engine: Engine,
  migrations: readonly PreparedMigration[],
  options: RunMigrationsOptions,
): Promise<RunMigrationsResult> {
  const applied: AppliedStep[] = [];
  await engine.exec(`BEGIN; ${timeoutSettings(options, "LOCAL")}`);
  for (const prepared of migrations) {
    const { version, name } = prepared.migration;
    options.onEvent?.({ type: "start", version, name });
    const started = performance.now();
    try {
      // Inside the one transaction: RESET ALL also clears SET LOCAL, so the timeouts follow it.
      await engine.exec(`${sessionReset(options).sql} ${timeoutSettings(options, "LOCAL")}`);
      const notices: Notice[] = [];
      for (const statement of prepared.script.statements) {
        if (!prepared.mode.skip.includes(statement.index)) notices.push(...(await execStatement(engine, statement, 0)));
      }
      await engine.exec(historyStatement(historyRow(prepared, options, started), options));
      const durationMs = Math.round(performance.now() - started);
      applied.push({ version, name, duration_ms: durationMs });
      options.onEvent?.({ type: "applied", version, name, durationMs, notices });
    } catch (error) {
      await engine.exec("ROLLBACK");
      if (!(error instanceof StatementFailure)) throw error;
      const failure = await failureOf(engine, prepared, error, options);
      options.onEvent?.({ type: "failed", version, failure });
      return { applied: [], failed: failure }; // the whole run was one transaction: nothing stays
    }
  }
  await engine.exec("COMMIT");
  return { applied, failed: null };
}

async function execStatement(engine: Engine, statement: ParsedStatement, attempt: number): Promise<Notice[]> {
  try {
    return await engine.exec(statement.sql);
  } catch (error) {
    if (error instanceof ServerError) throw new StatementFailure(statement, error, attempt + 1);
    throw error;
  }
}

async function shouldRetry(error: unknown, attempt: number, prepared: PreparedMigration, options: RunMigrationsOptions): Promise<boolean> {
  if (!(error instanceof StatementFailure) || error.serverError.sqlstate !== LOCK_NOT_AVAILABLE) return false;
  if (attempt >= options.lockRetries) return false;
  const waitMs = Math.min((options.retryBaseMs ?? 500) * 2 ** attempt, 30_000);
  options.onEvent?.({ type: "retry", version: prepared.migration.version, attempt: attempt + 1, waitMs, message: error.message });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return true;
}

async function failureOf(
  engine: Engine,
  prepared: PreparedMigration,
  error: StatementFailure,
  options: RunMigrationsOptions,
): Promise<MigrationFailure> {
  const partiallyApplied = prepared.mode.mode === "statements" && error.statement.index > 0;
  const invalidIndexes = prepared.mode.mode === "statements" ? await findInvalidIndexes(engine) : [];
  let hint: string | undefined;
  if (error.serverError.sqlstate === LOCK_NOT_AVAILABLE) {
    hint = `lock_timeout (${options.lockTimeoutMs} ms) expired on ${error.attempts} attempt${error.attempts > 1 ? "s" : ""}: another session holds a conflicting lock. Nothing of this migration stayed. Retry when the table is quieter, or raise apply.lock_timeout / apply.lock_retries.`;
  } else if (error.serverError.sqlstate === "57014" && options.statementTimeoutMs > 0) {
    hint = `statement_timeout (${options.statementTimeoutMs} ms) cancelled the statement. Raise apply.statement_timeout if it is expected to take longer.`;
  } else if (invalidIndexes.length > 0) {
    hint = `the failed build left invalid index ${invalidIndexes.join(", ")}: drop it with DROP INDEX CONCURRENTLY before running again.`;
  } else if (partiallyApplied) {
    hint = `${prepared.mode.reason}, so the ${error.statement.index} statement(s) before this one stayed applied and the migration is not recorded. Fix it so that every statement can run again (IF NOT EXISTS), then apply again.`;
  }
  return describeFailure(prepared, error.statement, error.serverError, error.positionInStatement, {
    ...((hint ?? error.serverError.hint) ? { hint: hint ?? error.serverError.hint } : {}),
    partiallyApplied,
    invalidIndexes,
  });
}

async function findInvalidIndexes(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ name: string }>(
    "SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid ORDER BY 1",
  );
  return rows.map((row) => row.name);
}

/** `started` is a client clock reading, or "server": the time since the transaction began. */
function historyRow(prepared: PreparedMigration, options: RunMigrationsOptions, started: number | "server") {
  const { migration } = prepared;
  return {
    version: migration.version,
    name: migration.name,
    checksum: migration.checksum,
    appliedBy: options.appliedBy,
    durationMs: started === "server" ? ("server" as const) : performance.now() - started,
    runId: options.runId,
    kind: migration.kind,
    file: migration.up.file,
  };
}
