import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { requireBackupServer } from "../backup/backup-tools.js";
import { type RestoredBackup, restoreBackup } from "../backup/restore-backup.js";
import { type BackupContents, verifyBackup } from "../backup/verify-backup.js";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { acquireApplyLock } from "../db/advisory-lock.js";
import type { Engine } from "../db/engine.js";
import { ensureHistory, finishRun, startRun, thisProcessRun } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";
import { parseDurationMs } from "../util/duration.js";
import { redactUrl } from "../util/redact-url.js";

/** What the person confirming a restore is shown; they confirm by typing `database`. */
export interface RestoreConfirmation {
  /** The database whose content the restore replaces. */
  database: string;
  url_redacted: string;
  file: string;
  backup: BackupContents;
}

export interface RollbackFromBackupOptions extends TargetChoice {
  /** The `pg_dump -Fc` file to restore (relative to the current directory). */
  file: string;
  /** A URL: restore into that database instead (its content is replaced); `"new"`: into a new database beside the target. */
  into?: string;
  /** Confirms that the content of the database restored into is replaced (`--yes`). */
  yes: boolean;
  /** Asked when `yes` is false; without it, an unconfirmed restore is refused. */
  confirm?: (request: RestoreConfirmation) => Promise<boolean>;
  /** Who restores (`--by`), recorded in `drydock.runs.actor`. */
  by?: string;
  /** The time in a new database's name; now by default. */
  now?: Date;
}

/** SPEC §4 `rollback --from-backup --json`. */
export interface RollbackFromBackupResult {
  env: string;
  target: { engine: string; url_redacted: string };
  restored: RestoredBackup;
  /**
   * Rows of the target's `drydock.runs` that the backup did not hold as they were (runs started
   * or finished after it was taken: the apply that took it, say), written back after the
   * restore so that the audit trail loses nothing. 0 for a restore elsewhere.
   */
  runs_kept: number;
  /** The `drydock.runs` row of this restore; null when it did not go into the target. */
  run_id: number | null;
}

/**
 * `drydock rollback --from-backup FILE`: restores a backup taken by `apply` (SPEC §7 Apply,
 * step 3) with `restoreBackup`. Into the target (the default) or another database named by
 * `into`, it replaces the content, so it needs `yes` or a `confirm` that says yes; it holds
 * drydock's apply lock meanwhile, so no apply runs into a half-restored database. A restore into
 * the target is recorded in its `drydock.runs` (command "rollback") after the restore, since the
 * restore replaces `drydock` with the backup's history (the runs since the backup are written
 * back first, `runs_kept`); a failed one is recorded too (nothing was
 * changed: it ran in one transaction). `into: "new"` restores beside the target and touches it not.
 */
export async function rollbackFromBackup(project: Project, options: RollbackFromBackupOptions): Promise<RollbackFromBackupResult> {
  const { target, envName } = resolveTarget(project, options);
  const file = resolve(options.file);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    throw new InputError(`the backup ${file} does not exist`, {
      hint: `Backups written by apply are in ${project.config.apply.backup_dir} (apply.backup_dir).`,
    });
  }
  requireBackupServer(target);
  const into = options.into === undefined ? undefined : options.into === "new" ? "new" : parseTargetUrl(options.into, project.root);
  const env = project.environment;
  const summary = { env: envName, target: { engine: target.engine, url_redacted: target.urlRedacted } };
  if (into === "new") {
    const restored = await restoreBackup(file, { target, into, confirm: options.yes, env, ...(options.now ? { now: options.now } : {}) });
    return { ...summary, restored, runs_kept: 0, run_id: null };
  }
  const destination = requireBackupServer(into ?? target);
  const backup = await verifyBackup(file, { env });
  const engine = await openEngine(destination, { applicationName: `drydock rollback ${hostname()} pid ${process.pid}` });
  try {
    const [row] = await engine.query<{ name: string }>("SELECT pg_catalog.current_database() AS name");
    const database = row?.name ?? "";
    if (!options.yes) await requireConfirmation(options, { database, url_redacted: destination.urlRedacted, file, backup });
    await acquireApplyLock(engine, { waitMs: parseDurationMs(project.config.apply.lock_wait) });
    const isTarget = into === undefined;
    // The restore replaces drydock.runs with the backup's: the audit trail since is read first.
    const runsBefore = isTarget ? await readRuns(engine) : null;
    let restored: RestoredBackup;
    try {
      restored = await restoreBackup(file, { target, ...(into ? { into } : {}), confirm: true, env });
    } catch (error) {
      if (isTarget) await recordRun(engine, envName, options, "failed", { file, error: errorText(error) }).catch(() => undefined);
      throw error;
    }
    const runsKept = runsBefore === null ? 0 : await carryOverRuns(engine, runsBefore);
    const runId = isTarget ? await recordRun(engine, envName, options, "restored", restored) : null;
    return { ...summary, restored, runs_kept: runsKept, run_id: runId };
  } finally {
    await engine.close().catch(() => undefined);
  }
}

async function requireConfirmation(options: RollbackFromBackupOptions, request: RestoreConfirmation): Promise<void> {
  const refusal = `restoring ${request.file} replaces the content of ${request.database} (${request.url_redacted})`;
  if (!options.confirm) {
    throw new InputError(`${refusal}: not confirmed`, {
      hint: "Pass --yes to confirm (drydock asks only on a terminal), or restore into a new database with --into new.",
    });
  }
  if (!(await options.confirm(request))) {
    throw new InputError(`${refusal}: not confirmed, nothing was changed`, {
      hint: `Type the database name (${request.database}) exactly when asked, or pass --yes.`,
    });
  }
}

const runColumns = [
  "started_at",
  "finished_at",
  "env",
  "command",
  "tool_version",
  "plan_hash",
  "outcome",
  "report",
  "host",
  "os_user",
  "pid",
  "actor",
];

/** The rows of `drydock.runs` as JSON, null when the database has none. */
async function readRuns(engine: Engine): Promise<string | null> {
  const [table] = await engine.query<{ present: boolean }>("SELECT to_regclass('drydock.runs') IS NOT NULL AS present");
  if (!table?.present) return null;
  const [row] = await engine.query<{ runs: string | null }>("SELECT jsonb_agg(to_jsonb(r))::text AS runs FROM drydock.runs r");
  return row?.runs ?? null;
}

/**
 * Writes back, after a restore, the runs the backup lacked or held in an older state (a run
 * still `running` when the backup was taken), and moves the run id sequence past them. Returns
 * how many rows it wrote. In one transaction: the restore itself is already committed.
 */
async function carryOverRuns(engine: Engine, runs: string): Promise<number> {
  await ensureHistory(engine);
  const list = runColumns.join(", ");
  const differs = runColumns.map((column) => `r.${column} IS DISTINCT FROM x.${column}`).join(" OR ");
  await engine.exec("BEGIN");
  try {
    const [row] = await engine.query<{ kept: number }>(
      `WITH before AS (SELECT * FROM jsonb_populate_recordset(NULL::drydock.runs, $1::jsonb)),
            changed AS (SELECT r.* FROM before r LEFT JOIN drydock.runs x ON x.id = r.id WHERE x.id IS NULL OR ${differs}),
            written AS (
              INSERT INTO drydock.runs (id, ${list}) SELECT id, ${list} FROM changed
              ON CONFLICT (id) DO UPDATE SET (${list}) = (${runColumns.map((column) => `EXCLUDED.${column}`).join(", ")})
              RETURNING 1)
       SELECT count(*)::int AS kept FROM written`,
      [runs],
    );
    await engine.query(
      "SELECT setval(pg_get_serial_sequence('drydock.runs', 'id'), (SELECT max(id) FROM drydock.runs), true) WHERE EXISTS (SELECT FROM drydock.runs)",
    );
    await engine.exec("COMMIT");
    return row?.kept ?? 0;
  } catch (error) {
    await engine.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** A run of `drydock.runs`, written after the restore: the restore replaced the table it lives in. */
async function recordRun(
  engine: Engine,
  envName: string,
  options: RollbackFromBackupOptions,
  outcome: string,
  report: unknown,
): Promise<number> {
  await ensureHistory(engine);
  const runId = await startRun(engine, thisProcessRun("rollback", envName, null, options.by ?? null));
  await finishRun(engine, runId, outcome, report);
  return runId;
}

function errorText(error: unknown): string {
  return redactUrl(error instanceof Error ? error.message : String(error));
}
