import { hostname } from "node:os";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { acquireApplyLock } from "../db/advisory-lock.js";
import { type Engine, readServerVersion } from "../db/engine.js";
import { closeInterruptedRuns, ensureHistory, finishRun, readHistory, startRun } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { ChecksumMismatchError, InputError } from "../errors/drydock-error.js";
import type { MigrationFailure } from "../execute/migration-failure.js";
import { extensionsCreated, prepareMigrations } from "../execute/prepare-migrations.js";
import type { PreparedMigration } from "../execute/prepared-migration.js";
import { type AppliedStep, type RunEvent, runMigrations } from "../execute/run-migrations.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { loadParser } from "../parse/parse-sql.js";
import { compareHistory } from "../plan/compare-history.js";
import { parseDurationMs } from "../util/duration.js";
import { osUser } from "../util/os-user.js";
import { toolVersion } from "../version.js";

export interface ApplyOptions extends TargetChoice {
  /** Apply pending migrations that sort before already applied ones (refused by default). */
  allowOutOfOrder?: boolean;
  onEvent?: (event: ApplyEvent) => void;
}

export type ApplyEvent =
  | RunEvent
  | { type: "connected"; engine: string; url: string; serverVersion: string }
  | { type: "waiting-for-lock"; holder: string | null }
  | { type: "plan"; pending: number; applied: number };

export interface SkippedMigration {
  version: string;
  name: string;
  reason: string;
}

/** SPEC §4 `apply --json`. */
export interface ApplyResult {
  target: { engine: string; server_version: string; url_redacted: string };
  env: string;
  run_id: number;
  applied: AppliedStep[];
  skipped: SkippedMigration[];
  failed: MigrationFailure | null;
  warnings: string[];
  duration_ms: number;
}

/**
 * Applies the pending migrations to a target (SPEC §7 Apply, steps 4, 5 and 7): takes the
 * session advisory lock, refuses edited migrations, parses every pending migration before
 * running any, runs them with timeouts and retries, and records the run in `drydock.runs`.
 * A failed migration is a result (`failed`), not an exception: what ran before it stays.
 */
export async function apply(project: Project, options: ApplyOptions = {}): Promise<ApplyResult> {
  const started = performance.now();
  // Compile the parser's WASM while the files are read and the connection opens.
  const parserLoading = loadParser().catch(() => undefined);
  const { target, envName } = resolveTarget(project, options);
  const { migrations } = await discoverProjectMigrations(project);
  // PGlite must be given its extensions when it opens, so the embedded engine reads them first.
  const preparedAll = target.engine === "pglite" ? await prepareMigrations(migrations) : null;
  const engine = await openEngine(target, {
    applicationName: `drydock apply ${hostname()} pid ${process.pid}`,
    ...(preparedAll ? { extensions: extensionsCreated(preparedAll) } : {}),
  });
  try {
    const serverVersion = await readServerVersion(engine);
    options.onEvent?.({ type: "connected", engine: target.engine, url: target.urlRedacted, serverVersion: serverVersion.text });
    // A killed drydock must not leave its backend running a long statement while holding locks.
    const sessionSettings = engine.kind === "postgres" && serverVersion.major >= 14 ? ["SET client_connection_check_interval = 1000"] : [];
    for (const setting of sessionSettings) await engine.exec(setting);
    const settings = project.config.apply;
    await acquireApplyLock(engine, {
      waitMs: parseDurationMs(settings.lock_wait),
      onWait: (holder) => options.onEvent?.({ type: "waiting-for-lock", holder: holder?.application_name ?? null }),
    });
    await ensureHistory(engine);
    await closeInterruptedRuns(engine);
    const history = await readHistory(engine);
    const statuses = compareHistory(migrations, history);
    const changed = statuses.find((entry) => entry.state === "changed");
    if (changed) {
      throw new ChecksumMismatchError(changed.version, changed.file ?? "", changed.recorded_checksum ?? "", changed.checksum);
    }
    const outOfOrder = statuses.filter((entry) => entry.state === "out-of-order");
    if (outOfOrder.length > 0 && !options.allowOutOfOrder) {
      throw new InputError(
        `migration ${outOfOrder.map((entry) => entry.version).join(", ")} is pending but sorts before migrations already applied`,
        {
          hint: "Renumber it after the last applied migration, or apply it anyway with --allow-out-of-order.",
        },
      );
    }
    const warnings = statuses
      .filter((entry) => entry.state === "missing")
      .map((entry) => `migration ${entry.version} (${entry.name}) is recorded as applied but its file is gone`);
    await parserLoading;
    const toRun = new Set(
      statuses.filter((entry) => entry.state === "pending" || entry.state === "out-of-order").map((entry) => entry.version),
    );
    const pending = migrations.filter((migration) => toRun.has(migration.version));
    const prepared = preparedAll ? preparedAll.filter((entry) => toRun.has(entry.migration.version)) : await prepareMigrations(pending);
    options.onEvent?.({ type: "plan", pending: pending.length, applied: migrations.length - pending.length });

    const runId = await startRun(engine, {
      env: envName,
      command: "apply",
      toolVersion,
      planHash: null,
      host: hostname(),
      osUser: osUser(),
      pid: process.pid,
    });
    const result = await runMigrations(engine, prepared, {
      lockTimeoutMs: parseDurationMs(settings.lock_timeout),
      lockRetries: settings.lock_retries,
      statementTimeoutMs: parseDurationMs(settings.statement_timeout),
      transaction: settings.transaction,
      runId,
      appliedBy: osUser(),
      sessionSettings,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const report: ApplyResult = {
      target: { engine: target.engine, server_version: serverVersion.text, url_redacted: target.urlRedacted },
      env: envName,
      run_id: runId,
      applied: result.applied,
      skipped: skippedOf(migrations, toRun, prepared, result.applied, result.failed),
      failed: result.failed,
      warnings,
      duration_ms: Math.round(performance.now() - started),
    };
    const outcome = result.failed ? "failed" : result.applied.length > 0 ? "applied" : "nothing-to-do";
    await finishRun(engine, runId, outcome, report);
    return report;
  } finally {
    await closeQuietly(engine);
  }
}

function skippedOf(
  migrations: readonly Migration[],
  toRun: ReadonlySet<string>,
  prepared: readonly PreparedMigration[],
  applied: readonly AppliedStep[],
  failed: MigrationFailure | null,
): SkippedMigration[] {
  const ran = new Set(applied.map((step) => step.version));
  const skipped: SkippedMigration[] = migrations
    .filter((migration) => !toRun.has(migration.version))
    .map((migration) => ({ version: migration.version, name: migration.name, reason: "already applied" }));
  if (failed) {
    for (const { migration } of prepared) {
      if (ran.has(migration.version) || migration.version === failed.version) continue;
      skipped.push({ version: migration.version, name: migration.name, reason: `not run: migration ${failed.version} failed` });
    }
  }
  return skipped;
}

async function closeQuietly(engine: Engine): Promise<void> {
  await engine.close().catch(() => undefined);
}
