import { hostname } from "node:os";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { acquireApplyLock } from "../db/advisory-lock.js";
import { readServerVersion } from "../db/engine.js";
import { closeInterruptedRuns, ensureHistory, finishRun, readHistory, startRun, thisProcessRun } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { InputError } from "../errors/drydock-error.js";
import type { MigrationFailure } from "../execute/migration-failure.js";
import { prepareDownMigrations } from "../execute/prepare-migrations.js";
import { type AppliedStep, type RunEvent, runMigrations } from "../execute/run-migrations.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { parseDurationMs } from "../util/duration.js";
import { osUser } from "../util/os-user.js";

export interface RollbackOptions extends TargetChoice {
  /** Roll back every migration applied after this version (it stays applied). */
  to?: string;
  /** Roll back the last N applied migrations. */
  steps?: number;
  /** Who asks for it, for the audit trail (`drydock.runs.actor`). */
  by?: string;
  onEvent?: (event: RunEvent) => void;
}

export interface RollbackResult {
  env: string;
  run_id: number;
  /** The migrations rolled back, newest first, with their down's duration. */
  rolled_back: AppliedStep[];
  /** The down that failed; the ones before it stay rolled back. */
  failed: MigrationFailure | null;
  duration_ms: number;
}

/**
 * `drydock rollback --to <version> | --steps N` (SPEC §4): runs the down migrations of the
 * newest applied migrations, newest first, each in its own transaction (or statement by
 * statement, as its directives say) with its history row deleted in that transaction, under the
 * apply lock. Refuses before anything runs when a migration to roll back has no down script or
 * its file is gone. Recorded in `drydock.runs` as command "rollback".
 */
export async function rollback(project: Project, options: RollbackOptions): Promise<RollbackResult> {
  const started = performance.now();
  if ((options.to === undefined) === (options.steps === undefined)) {
    throw new InputError("rollback needs exactly one of --to <version> or --steps N", {
      hint: "drydock rollback --steps 1 undoes the last migration.",
    });
  }
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) {
    throw new InputError(`--steps ${options.steps}: expected a whole number of migrations, 1 or more`, {
      hint: "drydock rollback --steps 1",
    });
  }
  const { target, envName } = resolveTarget(project, options);
  const { migrations } = await discoverProjectMigrations(project);
  const engine = await openEngine(target, { applicationName: `drydock rollback ${hostname()} pid ${process.pid}` });
  try {
    const settings = project.config.apply;
    await readServerVersion(engine);
    await acquireApplyLock(engine, { waitMs: parseDurationMs(settings.lock_wait) });
    const history = await readHistory(engine);
    const chosen = chooseRollback(
      history.map((row) => row.version),
      migrations,
      options,
    );
    const downs = await prepareDownMigrations(chosen);
    await ensureHistory(engine);
    await closeInterruptedRuns(engine);
    const runId = await startRun(engine, thisProcessRun("rollback", envName, null, options.by ?? null));
    const result = await runMigrations(engine, downs, {
      lockTimeoutMs: parseDurationMs(settings.lock_timeout),
      lockRetries: settings.lock_retries,
      statementTimeoutMs: parseDurationMs(settings.statement_timeout),
      transaction: "per-migration",
      runId,
      appliedBy: osUser(),
      direction: "down",
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const report: RollbackResult = {
      env: envName,
      run_id: runId,
      rolled_back: result.applied,
      failed: result.failed,
      duration_ms: Math.round(performance.now() - started),
    };
    await finishRun(engine, runId, result.failed ? "failed" : "rolled-back", {
      ...report,
      versions: chosen.map((migration) => migration.version),
    });
    return report;
  } finally {
    await engine.close().catch(() => undefined);
  }
}

/** The applied migrations to roll back, newest first; every one must still have its files. */
function chooseRollback(applied: readonly string[], migrations: readonly Migration[], options: RollbackOptions): Migration[] {
  let versions: string[];
  if (options.steps !== undefined) {
    versions = applied.slice(-options.steps).reverse();
  } else {
    const index = applied.lastIndexOf(options.to ?? "");
    if (index < 0) {
      throw new InputError(`--to ${options.to}: that version is not applied here`, {
        hint: `Applied versions end with ${applied.slice(-3).join(", ") || "nothing"}; drydock status lists them.`,
      });
    }
    versions = applied.slice(index + 1).reverse();
  }
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const missing = versions.filter((version) => !byVersion.has(version));
  if (missing.length > 0) {
    throw new InputError(`cannot roll back ${missing.join(", ")}: the migration file is gone`, {
      hint: "Restore the file (its down script is needed), or roll back from a backup with --from-backup.",
    });
  }
  return versions.map((version) => byVersion.get(version) as Migration);
}
