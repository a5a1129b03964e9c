import { hostname } from "node:os";
import { join, relative, resolve } from "node:path";
import { createBackup } from "../backup/create-backup.js";
import { countRows, verifyBackup, verifyRestore } from "../backup/verify-backup.js";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { acquireApplyLock } from "../db/advisory-lock.js";
import { type Engine, readServerVersion, type ServerVersion } from "../db/engine.js";
import { closeInterruptedRuns, ensureHistory, finishRun, readHistory, startRun, thisProcessRun } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import type { Target } from "../db/target-url.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { ChecksumMismatchError, DrydockError, InputError } from "../errors/drydock-error.js";
import type { MigrationFailure } from "../execute/migration-failure.js";
import { extensionsCreated, prepareMigrations, prepareMigrationsOnDemand } from "../execute/prepare-migrations.js";
import { type PreparedMigration, prepareAhead, prepareNow } from "../execute/prepared-migration.js";
import { type AppliedStep, type RunEvent, runMigrations } from "../execute/run-migrations.js";
import { undoRun } from "../execute/undo-run.js";
import { checkGates } from "../gates/check-gates.js";
import type { ApplyResult, ApplyRollback, BackupRecord, SkippedMigration } from "../model/apply-result.js";
import type { CheckResult } from "../model/check.js";
import type { Migration } from "../model/migration.js";
import type { Plan } from "../model/plan.js";
import type { Project } from "../model/project.js";
import type { Snapshot } from "../model/snapshot.js";
import { loadParser } from "../parse/parse-sql.js";
import { compareHistory } from "../plan/compare-history.js";
import { refuseDependencyCycle } from "../plan/refuse-dependency-cycle.js";
import { environmentCheckIds } from "../preflight/registry.js";
import { runPreflight } from "../preflight/run-preflight.js";
import { applyReport } from "../report/apply-report.js";
import { evidenceFolderName, type LogEntry, logEntryOf, writeEvidence } from "../report/evidence.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { parseDurationMs } from "../util/duration.js";
import { osUser } from "../util/os-user.js";
import { measureBenchmarks } from "../verify/measure-benchmarks.js";
import { runChecks } from "../verify/run-checks.js";
import { plan } from "./plan.js";

export interface ApplyOptions extends TargetChoice {
  /** Apply pending migrations that sort before already applied ones (refused by default). */
  allowOutOfOrder?: boolean;
  /** Run the verification suite after applying, and roll back per `apply.on_verify_failure` (default true). */
  verify?: boolean;
  /** Apply outside the environment's maintenance window, for this reason (kept in the run record). */
  overrideWindow?: string;
  /** Restore the backup into a scratch database and compare row counts before applying. */
  verifyRestore?: boolean;
  /** Who runs it, for the audit trail (`drydock.runs.actor`). */
  by?: string;
  /** Parent folder of evidence packages (default `<project>/.drydock/evidence`); also where gates look for rehearsals. */
  evidenceRoot?: string;
  /** Write no evidence package (a sandbox replay, a test). */
  noEvidence?: boolean;
  /** Keep analyses in `.drydock/cache/` (default true). */
  cache?: boolean;
  /** The time gates and evidence are judged at; default now. */
  now?: Date;
  onEvent?: (event: ApplyEvent) => void;
}

export type { ApplyResult, ApplyRollback, BackupRecord, SkippedMigration } from "../model/apply-result.js";

export type ApplyEvent =
  | RunEvent
  | { type: "connected"; engine: string; url: string; serverVersion: string }
  | { type: "waiting-for-lock"; holder: string | null }
  | { type: "plan"; pending: number; applied: number }
  | { type: "preflight"; checks: CheckResult[] }
  | { type: "gates"; checks: CheckResult[] }
  | { type: "backup"; backup: BackupRecord }
  | { type: "verified"; checks: CheckResult[] }
  | { type: "rollback"; rollback: ApplyRollback };

/**
 * `drydock apply` (SPEC §7 Apply): takes the session advisory lock, refuses edited migrations,
 * plans the pending migrations against the target, runs the pre-flight checks and the
 * environment's gates (a failure stops everything before any change, `blocked`), takes and
 * verifies a backup when the environment asks for one, applies each migration with timeouts and
 * retries, runs the verification suite, rolls this run back when it fails and
 * `on_verify_failure = "rollback"`, and records the run in `drydock.runs` and an evidence
 * package. A failed migration is a result (`failed`), not an exception: what ran before it stays.
 */
export async function apply(project: Project, options: ApplyOptions = {}): Promise<ApplyResult> {
  const started = performance.now();
  const now = options.now ?? new Date();
  // Every event of the run, with its time, for the evidence package's run.log.jsonl.
  const log: LogEntry[] = [];
  const emit = (event: ApplyEvent) => {
    log.push(logEntryOf(event));
    options.onEvent?.(event);
  };
  // Compile the parser's WASM while the files are read and the connection opens.
  const parserLoading = loadParser().catch(() => undefined);
  const { target, envName } = resolveTarget(project, options);
  const envConfig = project.config.env[envName];
  const discovery = await discoverProjectMigrations(project);
  const { migrations } = discovery;
  // PGlite must be given its extensions when it opens, so the embedded engine reads them first.
  const preparedAll = target.engine === "pglite" ? await prepareMigrations(migrations) : null;
  const engine = await openEngine(target, {
    applicationName: `drydock apply ${hostname()} pid ${process.pid}`,
    ...(preparedAll ? { extensions: extensionsCreated(preparedAll) } : {}),
  });
  try {
    const serverVersion = await readServerVersion(engine);
    const targetInfo = { engine: target.engine, server_version: serverVersion.text, url_redacted: target.urlRedacted };
    emit({ type: "connected", engine: target.engine, url: target.urlRedacted, serverVersion: serverVersion.text });
    // A killed drydock must not leave its backend running a long statement while holding locks.
    const sessionSettings = engine.kind === "postgres" && serverVersion.major >= 14 ? ["SET client_connection_check_interval = 1000"] : [];
    for (const setting of sessionSettings) await engine.exec(setting);
    const settings = project.config.apply;
    await acquireApplyLock(engine, {
      waitMs: parseDurationMs(settings.lock_wait),
      onWait: (holder) => emit({ type: "waiting-for-lock", holder: holder?.application_name ?? null }),
    });
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
    // The plan parses every migration (or has, with the same SQL, when it comes from the cache):
    // a syntax error stops the run there, before anything is applied. So each script is parsed
    // again only when it runs, while the server applies the migration before it.
    const prepared = preparedAll
      ? preparedAll.filter((entry) => toRun.has(entry.migration.version))
      : await prepareMigrationsOnDemand(pending);
    emit({ type: "plan", pending: pending.length, applied: migrations.length - pending.length });
    const planned = await plan(project, { engine, cache: options.cache !== false, discovery });
    refuseDependencyCycle(planned);
    // A statement refused inside the file's own BEGIN … COMMIT is refused now, not when its turn comes.
    const refusedInBlock = new Set(
      planned.findings.filter((finding) => finding.kind === "concurrent-in-transaction").map((finding) => finding.version),
    );
    for (const entry of prepared) if (refusedInBlock.has(entry.migration.version)) prepareNow(entry);
    const evidenceRoot = options.evidenceRoot ?? join(project.root, ".drydock", "evidence");
    const base = {
      target: targetInfo,
      env: envName,
      plan_hash: planned.hash,
      skipped: [] as SkippedMigration[],
      warnings,
    };
    const notNeeded: ApplyRollback = { status: "not-needed", details: [], restored: null, checks: [] };

    if (pending.length === 0) {
      await ensureHistory(engine);
      const runId = await startRun(engine, thisProcessRun("apply", envName, planned.hash, options.by ?? null));
      const result: ApplyResult = {
        ...base,
        run_id: runId,
        applied: [],
        skipped: skippedOf(migrations, toRun, prepared, [], null),
        failed: null,
        blocked: null,
        blocked_by_environment: false,
        preflight: [],
        gates: [],
        backup: null,
        checks: [],
        rollback: notNeeded,
        evidence_dir: null,
        duration_ms: Math.round(performance.now() - started),
      };
      await finishRun(engine, runId, "nothing-to-do", result);
      return result;
    }

    // Pre-flight and gates: read only; a failure stops the apply before anything changes.
    const preflight = await runPreflight({
      engine,
      config: project.config,
      serverVersion,
      urlRedacted: target.urlRedacted,
      migrations,
      pending,
      plan: planned,
      history,
      now,
    });
    emit({ type: "preflight", checks: preflight });
    const gates = envConfig
      ? await checkGates({
          envName,
          env: envConfig,
          planHash: planned.hash,
          evidenceRoot,
          engine,
          now,
          ...(options.overrideWindow !== undefined ? { overrideWindow: options.overrideWindow } : {}),
          ...(project.configFile ? { configFile: relative(process.cwd(), project.configFile) || project.configFile } : {}),
        })
      : [];
    emit({ type: "gates", checks: gates });
    const blocked = [...preflight, ...gates].filter((check) => check.status === "fail").map((check) => `${check.id}: ${check.summary}`);
    let blockedByEnvironment = preflight.some((check) => check.status === "fail" && environmentCheckIds.has(check.id));

    let backup: BackupRecord | null = null;
    if (blocked.length === 0 && envConfig && envConfig.backup !== false) {
      backup = await takeBackup(engine, target, project, envName, serverVersion, now, options.verifyRestore === true);
      emit({ type: "backup", backup });
      if (backup.status !== "done" && envConfig.backup === "required") {
        blocked.push(`backup: ${backup.summary} (backup = "required")`);
        blockedByEnvironment = true;
      } else if (backup.status !== "done") warnings.push(`no backup: ${backup.summary}`);
    }
    if (blocked.length > 0) {
      const result: ApplyResult = {
        ...base,
        run_id: null,
        applied: [],
        skipped: pending.map((migration) => ({
          version: migration.version,
          name: migration.name,
          reason: "not run: the apply was blocked",
        })),
        failed: null,
        blocked,
        blocked_by_environment: blockedByEnvironment,
        preflight,
        gates,
        backup,
        checks: [],
        rollback: notNeeded,
        evidence_dir: null,
        duration_ms: Math.round(performance.now() - started),
      };
      result.evidence_dir = await writeApplyEvidence(result, planned, { before: null, after: null, log }, now, options, evidenceRoot);
      // The attempt joins the audit trail when there is one; a database without it stays untouched.
      const [runs] = await engine.query<{ present: boolean }>("SELECT to_regclass('drydock.runs') IS NOT NULL AS present");
      if (runs?.present) {
        await ensureHistory(engine);
        result.run_id = await startRun(engine, thisProcessRun("apply", envName, planned.hash, options.by ?? null));
        await finishRun(engine, result.run_id, "blocked", result);
      }
      return result;
    }

    const ensuring = ensureHistory(engine);
    // The parser compiles its code on its first use, which is the first migration's: that parse
    // runs while the server creates drydock's tables instead of between the snapshot and the run.
    prepareAhead(prepared[0]);
    await ensuring;
    await closeInterruptedRuns(engine);
    const runId = await startRun(engine, thisProcessRun("apply", envName, planned.hash, options.by ?? null));
    const verifying = options.verify !== false;
    const schemas = project.config.project.schemas;
    const benchmarks = project.config.checks.benchmark;
    const before = verifying ? await takeSnapshot(engine, { schemas, exactCounts: true }) : null;
    const benchmarksBefore = verifying && benchmarks.length > 0 ? await measureBenchmarks(engine, benchmarks, {}) : null;
    const runOptions = {
      lockTimeoutMs: parseDurationMs(settings.lock_timeout),
      lockRetries: settings.lock_retries,
      statementTimeoutMs: parseDurationMs(settings.statement_timeout),
      transaction: settings.transaction,
      runId,
      appliedBy: osUser(),
      sessionSettings,
      onEvent: emit,
    };
    const result = await runMigrations(engine, prepared, runOptions);
    let checks: CheckResult[] = [];
    let rollback = notNeeded;
    let after: Snapshot | null = null;
    if (verifying && !result.failed && before) {
      after = await takeSnapshot(engine, { schemas, exactCounts: true });
      checks = await runChecks({
        engine,
        config: project.config,
        migrations,
        plan: planned,
        before,
        after,
        benchmarksBefore,
        purpose: "live",
      });
      emit({ type: "verified", checks });
      if (checks.some((check) => check.status === "fail")) {
        const appliedNow = pending.filter((migration) => result.applied.some((step) => step.version === migration.version));
        rollback = await onVerifyFailure(engine, project, appliedNow, before, benchmarksBefore, {
          ...runOptions,
          transaction: "per-migration",
        });
        emit({ type: "rollback", rollback });
      }
    }
    const report: ApplyResult = {
      ...base,
      run_id: runId,
      applied: result.applied,
      skipped: skippedOf(migrations, toRun, prepared, result.applied, result.failed),
      failed: result.failed,
      blocked: null,
      blocked_by_environment: false,
      preflight,
      gates,
      backup,
      checks,
      rollback,
      evidence_dir: null,
      duration_ms: Math.round(performance.now() - started),
    };
    report.evidence_dir = await writeApplyEvidence(report, planned, { before, after, log }, now, options, evidenceRoot);
    await finishRun(engine, runId, outcomeOf(report), report);
    return report;
  } finally {
    await closeQuietly(engine);
  }
}

/** The outcome recorded in drydock.runs. */
export function outcomeOf(result: ApplyResult): string {
  if (result.blocked) return "blocked";
  if (result.failed) return "failed";
  if (result.rollback.status === "rolled-back") return "rolled-back";
  if (result.rollback.status !== "not-needed") return "verify-failed";
  return result.applied.length > 0 ? "applied" : "nothing-to-do";
}

/**
 * `on_verify_failure`: "rollback" runs this run's downs, newest first, then checks the catalog
 * is the one from before and runs the checks again; "stop" leaves the database as it is.
 */
async function onVerifyFailure(
  engine: Engine,
  project: Project,
  appliedNow: readonly Migration[],
  before: Snapshot,
  benchmarksBefore: Awaited<ReturnType<typeof measureBenchmarks>> | null,
  runOptions: Parameters<typeof undoRun>[2],
): Promise<ApplyRollback> {
  if (project.config.apply.on_verify_failure === "stop") {
    return {
      status: "stopped",
      details: [
        'verification failed and apply.on_verify_failure = "stop": the migrations stay applied',
        `Fix forward with a new migration, or undo them with drydock rollback --steps ${appliedNow.length}`,
      ],
      restored: null,
      checks: [],
    };
  }
  const undone = await undoRun(engine, appliedNow, runOptions);
  if (undone.status === "impossible") {
    return {
      status: "impossible",
      details: [
        `verification failed but this run cannot be rolled back: ${undone.reason}`,
        "Restore the backup (drydock rollback --from-backup <file>) or fix forward.",
      ],
      restored: false,
      checks: [],
    };
  }
  if (undone.status === "failed") {
    const failure = undone.result.failed;
    return {
      status: "failed",
      details: [
        `verification failed and rolling back stopped at the down of ${failure?.version} (${failure?.file}:${failure?.line}:${failure?.column}): ${failure?.message}`,
        "Restore the backup (drydock rollback --from-backup <file>).",
      ],
      restored: false,
      checks: [],
    };
  }
  const schemas = project.config.project.schemas;
  const afterRollback = await takeSnapshot(engine, { schemas, exactCounts: true });
  const differences = compareSnapshots(before, afterRollback, { ignoreColumnOrder: true });
  const migrations = (await discoverProjectMigrations(project)).migrations;
  const checks = await runChecks({
    engine,
    config: project.config,
    migrations,
    plan: null,
    before,
    after: afterRollback,
    benchmarksBefore,
  });
  return {
    status: "rolled-back",
    details: [
      `verification failed: rolled back ${undone.result.applied.map((step) => step.version).join(", ")}`,
      differences.length === 0
        ? "the catalog equals the one before the apply"
        : `after rolling back, ${differences.length} difference(s) remain: ${differences
            .slice(0, 5)
            .map((difference) => `${difference.kind} ${difference.name} ${difference.change}`)
            .join("; ")}`,
    ],
    restored: differences.length === 0,
    checks,
  };
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

/**
 * Takes the environment's backup (`pg_dump -Fc` into `apply.backup_dir`) and reads it back with
 * `pg_restore --list`; with `verifyRestore`, restores it into a scratch database and compares
 * row counts. A failure is a result: the caller decides whether it blocks (`backup = "required"`).
 */
async function takeBackup(
  engine: Engine,
  target: Target,
  project: Project,
  envName: string,
  serverVersion: ServerVersion,
  now: Date,
  verifyRestoreToo: boolean,
): Promise<BackupRecord> {
  const empty = { file: null, size_bytes: null, tables: null, restore_mismatches: null };
  if (target.engine === "pglite") {
    return { ...empty, status: "skipped", summary: "the embedded engine has no pg_dump: copy its folder to back it up" };
  }
  const dir = resolve(project.root, project.config.apply.backup_dir);
  try {
    const expected = verifyRestoreToo ? await countRows(engine) : undefined;
    const backup = await createBackup(target, { dir, serverVersion, label: envName, now, env: project.environment });
    const contents = await verifyBackup(backup.file, { env: project.environment });
    const restore = expected ? await verifyRestore(backup.file, target, { expectedRowCounts: expected, env: project.environment }) : null;
    const restoreNote = restore
      ? `; restored into a scratch database: ${restore.mismatches.length === 0 ? "row counts equal" : `${restore.mismatches.length} tables differ`}`
      : "";
    return {
      status: restore && restore.mismatches.length > 0 ? "failed" : "done",
      file: backup.file,
      size_bytes: backup.size_bytes,
      tables: contents.tables.length,
      restore_mismatches: restore ? restore.mismatches : null,
      summary: `${relative(project.root, backup.file)} (${contents.tables.length} tables, ${backup.size_bytes} bytes, pg_dump ${backup.pg_dump_version})${restoreNote}`,
    };
  } catch (error) {
    if (!(error instanceof DrydockError)) throw error;
    return { ...empty, status: "failed", summary: error.message };
  }
}

/** The evidence package of an apply (SPEC §9, kind `apply`); a write failure becomes a warning. */
async function writeApplyEvidence(
  result: ApplyResult,
  planned: Plan,
  { before, after, log }: { before: Snapshot | null; after: Snapshot | null; log: readonly LogEntry[] },
  startedAt: Date,
  options: ApplyOptions,
  evidenceRoot: string,
): Promise<string | null> {
  if (options.noEvidence) return null;
  const report = applyReport(result, planned, before, after, startedAt);
  const folder = join(evidenceRoot, evidenceFolderName(startedAt, result.env, "apply"));
  const outcome = logEntryOf({ type: "outcome", outcome: outcomeOf(result), verdict: report.decision.verdict });
  try {
    return await writeEvidence(folder, { report, before, after, log: [...log, outcome] });
  } catch (error) {
    result.warnings.push(
      `the evidence package could not be written to ${folder}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}

async function closeQuietly(engine: Engine): Promise<void> {
  await engine.close().catch(() => undefined);
}
