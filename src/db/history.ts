import { hostname } from "node:os";
import { EnvironmentError } from "../errors/drydock-error.js";
import type { Migration } from "../model/migration.js";
import { osUser } from "../util/os-user.js";
import { quoteLiteral } from "../util/quote-ident.js";
import { toolVersion } from "../version.js";
import type { Engine } from "./engine.js";
import { ServerError } from "./server-error.js";

/** A row of `drydock.migrations`: one migration applied to this database. */
export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  applied_at: string;
  applied_by: string;
  duration_ms: number;
  run_id: number | null;
  kind: "versioned" | "repeatable";
  file: string | null;
}

/** What of drydock's history a database has (`readHistoryState`). */
export interface HistoryState {
  schema: boolean;
  runs: boolean;
  /** `drydock.runs.actor` (added after the first release). */
  actor: boolean;
  migrations: boolean;
  approvals: boolean;
  /** The owner of schema `drydock`, null without it. */
  owner: string | null;
}

/** Which parts of drydock's history exist, in one query that needs no privilege. */
export async function readHistoryState(engine: Engine): Promise<HistoryState> {
  const [row] = await engine.query<HistoryState>(
    `SELECT n.oid IS NOT NULL AS schema, pg_catalog.pg_get_userbyid(n.nspowner)::text AS owner,
            to_regclass('drydock.runs') IS NOT NULL AS runs,
            to_regclass('drydock.migrations') IS NOT NULL AS migrations,
            to_regclass('drydock.approvals') IS NOT NULL AS approvals,
            EXISTS (SELECT FROM pg_catalog.pg_attribute
                     WHERE attrelid = to_regclass('drydock.runs') AND attname = 'actor' AND NOT attisdropped) AS actor
       FROM (SELECT 1) AS one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = 'drydock'`,
  );
  if (!row) throw new Error("the query of drydock's history state returned no row");
  return row;
}

/** True when the history is complete: nothing for `ensureHistory` to create. */
export function isHistoryComplete(state: HistoryState): boolean {
  return state.schema && state.runs && state.actor && state.migrations && state.approvals;
}

/**
 * Creates what is missing of schema `drydock` with `migrations`, `runs` (SPEC §7; `runs.actor`
 * is the `--by` of the command) and `approvals` (`drydock approve`). A complete history is left
 * alone, so a role that may write the history but not create it (the schema made by a DBA) can
 * apply, and no ALTER TABLE queues behind another session's lock on `drydock.runs`. Run while
 * holding the apply lock: two concurrent `CREATE … IF NOT EXISTS` can still collide in the
 * catalog. A role that may not create what is missing gets an `EnvironmentError` naming the grant.
 */
export async function ensureHistory(engine: Engine): Promise<void> {
  const state = await readHistoryState(engine);
  if (isHistoryComplete(state)) return;
  // Read before the DDL: a failed statement aborts the transaction this may run in.
  const who = await readSessionRole(engine);
  try {
    await engine.exec(historyDdl(state));
  } catch (error) {
    if (error instanceof ServerError && error.sqlstate === "42501") throw historyPrivilegeError(who, state, error);
    throw error;
  }
}

interface SessionRole {
  user_name: string;
  database: string;
}

async function readSessionRole(engine: Engine): Promise<SessionRole> {
  const [who] = await engine.query<SessionRole>("SELECT current_user::text AS user_name, current_database()::text AS database");
  return who ?? { user_name: "<role>", database: "<database>" };
}

/** The statements that create what `state` lacks; `IF NOT EXISTS` still, for a concurrent first apply. */
function historyDdl(state: HistoryState): string {
  const statements: string[] = [];
  // CREATE SCHEMA checks CREATE on the database even when the schema exists.
  if (!state.schema) statements.push("CREATE SCHEMA IF NOT EXISTS drydock;");
  if (!state.runs) {
    statements.push(`CREATE TABLE IF NOT EXISTS drydock.runs (
      id bigserial PRIMARY KEY,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      env text,
      command text NOT NULL,
      tool_version text NOT NULL,
      plan_hash text,
      outcome text NOT NULL DEFAULT 'running',
      report jsonb,
      host text,
      os_user text,
      pid integer
    );`);
  }
  if (!state.migrations) {
    statements.push(`CREATE TABLE IF NOT EXISTS drydock.migrations (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      applied_by text NOT NULL,
      duration_ms integer NOT NULL,
      run_id bigint REFERENCES drydock.runs (id),
      kind text NOT NULL DEFAULT 'versioned',
      file text
    );`);
  }
  if (!state.actor) statements.push("ALTER TABLE drydock.runs ADD COLUMN IF NOT EXISTS actor text;");
  if (!state.approvals) {
    statements.push(`CREATE TABLE IF NOT EXISTS drydock.approvals (
      id bigserial PRIMARY KEY,
      plan_hash text NOT NULL,
      env text NOT NULL,
      approved_by text NOT NULL,
      note text,
      approved_at timestamptz NOT NULL DEFAULT now(),
      os_user text,
      host text
    );`);
  }
  return statements.join("\n");
}

/** What to grant so that the connected role can create what the history lacks. */
function historyPrivilegeError(who: SessionRole, state: HistoryState, cause: ServerError): EnvironmentError {
  const user = who.user_name;
  const database = who.database;
  const missing = state.schema ? "its missing tables" : "schema drydock";
  const hint = state.schema
    ? `Run drydock once as ${state.owner ?? "the owner of schema drydock"}, who owns schema drydock, to create them, or have it run ALTER SCHEMA drydock OWNER TO ${user} (and the same for its tables).`
    : `Have the database owner run GRANT CREATE ON DATABASE ${database} TO ${user}, or create the schema for drydock: CREATE SCHEMA drydock AUTHORIZATION ${user}.`;
  return new EnvironmentError(`${user} may not create drydock's history (${missing}): ${cause.message}`, {
    hint,
    cause,
  });
}

/** The grants that let a role read and write drydock's history (not create it). */
export function historyGrantsSql(user: string): string {
  return (
    `GRANT USAGE ON SCHEMA drydock TO ${user}; GRANT SELECT, INSERT, UPDATE, DELETE ON drydock.migrations TO ${user}; ` +
    `GRANT SELECT, INSERT, UPDATE ON drydock.runs, drydock.approvals TO ${user}; ` +
    `GRANT USAGE ON SEQUENCE drydock.runs_id_seq, drydock.approvals_id_seq TO ${user};`
  );
}

function historyReadError(role: string, cause: string | ServerError): EnvironmentError {
  const reason = typeof cause === "string" ? cause : cause.message;
  return new EnvironmentError(`${role} may not read drydock's history: ${reason}`, {
    hint: `Have the owner of schema drydock run: ${historyGrantsSql(role)}`,
    ...(typeof cause === "string" ? {} : { cause }),
  });
}

/**
 * The applied migrations, oldest first; empty when the database has no drydock history yet.
 * A role that may not read it gets an `EnvironmentError` naming the grants; the schema privilege
 * is asked first, so the read fails no statement (inside a caller's transaction, such as drift's
 * snapshot, a failed one would abort it).
 */
export async function readHistory(engine: Engine): Promise<AppliedMigration[]> {
  type Row = Omit<AppliedMigration, "applied_at" | "run_id"> & { applied_at: Date | string; run_id: string | number | null };
  const [access] = await engine.query<{ role: string; present: boolean; usable: boolean }>(
    `SELECT current_user::text AS role,
            n.oid IS NOT NULL AND EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'migrations') AS present,
            n.oid IS NOT NULL AND pg_catalog.has_schema_privilege(n.oid, 'USAGE') AS usable
       FROM (SELECT 1) AS one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = 'drydock'`,
  );
  if (!access?.present) return [];
  if (!access.usable) throw historyReadError(access.role, "permission denied for schema drydock");
  let rows: Row[];
  try {
    rows = await engine.query<Row>(
      `SELECT version, name, checksum, applied_at, applied_by, duration_ms, run_id, kind, file
       FROM drydock.migrations ORDER BY applied_at, version`,
    );
  } catch (error) {
    if (error instanceof ServerError && error.sqlstate === "42501") throw historyReadError(access.role, error);
    throw error;
  }
  return rows.map((row) => ({
    ...row,
    applied_at: row.applied_at instanceof Date ? row.applied_at.toISOString() : String(row.applied_at),
    run_id: row.run_id === null ? null : Number(row.run_id),
  }));
}

export interface HistoryRow {
  version: string;
  name: string;
  checksum: string;
  appliedBy: string;
  /** Measured by the client, or "server": the time since the transaction began (now()). */
  durationMs: number | "server";
  runId: number | null;
  kind: "versioned" | "repeatable";
  file: string;
}

/**
 * The statement that records a migration. It is sent in the migration's own transaction, just
 * before COMMIT, so the schema change and its history row commit or vanish together. A
 * repeatable migration replaces its earlier row.
 */
export function recordMigrationSql(row: HistoryRow): string {
  const values = [
    quoteLiteral(row.version),
    quoteLiteral(row.name),
    quoteLiteral(row.checksum),
    quoteLiteral(row.appliedBy),
    row.durationMs === "server" ? "(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer" : String(Math.round(row.durationMs)),
    row.runId === null ? "NULL" : String(row.runId),
    quoteLiteral(row.kind),
    quoteLiteral(row.file),
  ].join(", ");
  return `INSERT INTO drydock.migrations (version, name, checksum, applied_by, duration_ms, run_id, kind, file)
    VALUES (${values})
    ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum,
      applied_at = now(), applied_by = EXCLUDED.applied_by, duration_ms = EXCLUDED.duration_ms,
      run_id = EXCLUDED.run_id, file = EXCLUDED.file`;
}

/**
 * The statement that records a migration drydock did not run (`repair --mark-applied`, `adopt`):
 * the file's checksum, so `status` shows it applied, and duration 0.
 */
export function recordUnrunMigrationSql(migration: Migration, appliedBy: string, runId: number): string {
  return recordMigrationSql({
    version: migration.version,
    name: migration.name,
    checksum: migration.checksum,
    appliedBy,
    durationMs: 0,
    runId,
    kind: migration.kind,
    file: migration.up.file,
  });
}

/** The statement that forgets a migration, sent in its down script's own transaction. */
export function forgetMigrationSql(version: string): string {
  return `DELETE FROM drydock.migrations WHERE version = ${quoteLiteral(version)}`;
}

export interface RunStart {
  env: string;
  command: string;
  toolVersion: string;
  planHash: string | null;
  host: string;
  osUser: string;
  pid: number;
  /** Who ran it, as given with `--by`; null when not given. */
  actor?: string | null;
}

/** The start of a run by this process: the tool version, host, OS user and pid filled in. */
export function thisProcessRun(command: string, env: string, planHash: string | null, actor: string | null): RunStart {
  return { env, command, toolVersion, planHash, host: hostname(), osUser: osUser(), pid: process.pid, actor };
}

/** Records the start of a run and returns its id. */
export async function startRun(engine: Engine, run: RunStart): Promise<number> {
  const [row] = await engine.query<{ id: string }>(
    `INSERT INTO drydock.runs (env, command, tool_version, plan_hash, host, os_user, pid, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [run.env, run.command, run.toolVersion, run.planHash, run.host, run.osUser, run.pid, run.actor ?? null],
  );
  return Number(row?.id);
}

/**
 * Records how a run ended. Runs with the session's default synchronous_commit, so once it
 * returns every earlier commit of the run is durable too (WAL is flushed in order).
 */
export async function finishRun(engine: Engine, runId: number, outcome: string, report: unknown): Promise<void> {
  await engine.query("UPDATE drydock.runs SET finished_at = now(), outcome = $2, report = $3 WHERE id = $1", [
    runId,
    outcome,
    JSON.stringify(report),
  ]);
}

/**
 * Marks runs still "running" as "interrupted". Called while holding the apply lock, when no
 * other run can be alive: such a row was left by a process that was killed.
 */
export async function closeInterruptedRuns(engine: Engine): Promise<number> {
  const rows = await engine.query(
    "UPDATE drydock.runs SET outcome = 'interrupted', finished_at = now() WHERE outcome = 'running' RETURNING id",
  );
  return rows.length;
}
