import { join } from "node:path";
import { readProjectFiles } from "../config/read-project-files.js";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { type Engine, readServerVersion } from "../db/engine.js";
import { ensureHistory } from "../db/history.js";
import { readSessionDefaults } from "../db/read-session-defaults.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { EnvironmentError, InputError } from "../errors/drydock-error.js";
import { extensionsCreated, prepareMigrations } from "../execute/prepare-migrations.js";
import { type RunEvent, runMigrations } from "../execute/run-migrations.js";
import { findRule } from "../lint/registry.js";
import type { CheckResult } from "../model/check.js";
import type { LintFinding } from "../model/lint.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import type { Report, ReportLintFinding, ReportStage, RollbackDrill } from "../model/report.js";
import { refuseDependencyCycle } from "../plan/refuse-dependency-cycle.js";
import { applyMeasured } from "../rehearse/apply-measured.js";
import { chooseBaseline } from "../rehearse/choose-baseline.js";
import { decide } from "../rehearse/decide.js";
import { openSandbox, type Sandbox } from "../rehearse/open-sandbox.js";
import { extensionsOfPreludes, readPreludes, runPreludes } from "../rehearse/preludes.js";
import { rollbackRoundtripCheck } from "../rehearse/rollback-roundtrip-check.js";
import { runRollbackDrill, takeDrillDataBefore } from "../rehearse/run-rollback-drill.js";
import { runSqlFile } from "../rehearse/run-sql-file.js";
import { evidenceFolderName, type LogEntry, logEntryOf, writeEvidence } from "../report/evidence.js";
import { statsOf } from "../report/report-stats.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { parseDurationMs } from "../util/duration.js";
import { measureBenchmarks } from "../verify/measure-benchmarks.js";
import { runChecks } from "../verify/run-checks.js";
import { toolVersion } from "../version.js";
import { plan } from "./plan.js";

export interface RehearseOptions extends TargetChoice {
  /** Where a sandbox built from empty lives: embedded PGlite (default) or a PostgreSQL server. */
  engine?: "pglite" | "postgres";
  /** `--baseline <version>`: that version and all before it are the baseline. */
  baseline?: string;
  /** `--git-base <ref>`: the migrations at that git ref are the baseline. */
  gitBase?: string;
  /** Copy only the target's schema, not its rows. */
  schemaOnly?: boolean;
  /** Leave the sandbox in place (its location is in the report). */
  keep?: boolean;
  /** Parent folder of evidence packages; default `<project>/.drydock/evidence`. */
  evidenceRoot?: string;
  /** Keep analyses in `.drydock/cache/` between runs (default true; false for a read-only project). */
  cache?: boolean;
  /** Aborting removes the sandbox at once (the running statement ends with it) and stops. */
  signal?: AbortSignal;
  onEvent?: (event: RehearseEvent) => void;
}

/** Progress of a rehearsal: stages start and end; migrations run (in the apply stage and the drill). */
export type RehearseEvent =
  | { type: "stage-start"; stage: string }
  | { type: "stage-end"; stage: string; durationMs: number; summary: string }
  | RunEvent;

export interface RehearseResult {
  report: Report;
  /** The evidence package's folder. */
  evidence_dir: string;
}

/**
 * `drydock rehearse` (SPEC §7 Rehearse): plan and lint; a sandbox (a copy of the target, or a
 * fresh database with preludes, baseline and seed); snapshot before; the pending migrations
 * applied one by one with their locks and catalog changes measured; snapshot after; the
 * verification suite; the rollback drill; GO/NO-GO; the evidence package. The target is only
 * read (pg_dump); the sandbox is removed unless `keep`. A failing migration is a NO-GO, not an
 * exception; a syntax error stops before any database is touched (exit 2).
 */
export async function rehearse(project: Project, options: RehearseOptions = {}): Promise<RehearseResult> {
  const startedAt = new Date();
  const log: LogEntry[] = [];
  const stages: ReportStage[] = [];
  const emit = (event: RehearseEvent) => {
    log.push(logEntryOf(event));
    options.onEvent?.(event);
  };
  const stage = async <T>(name: string, work: () => Promise<T>, summarize: (value: T) => string): Promise<T> => {
    throwIfAborted(options.signal);
    emit({ type: "stage-start", stage: name });
    const started = performance.now();
    const value = await work();
    const durationMs = Math.round(performance.now() - started);
    stages.push({ name, duration_ms: durationMs });
    emit({ type: "stage-end", stage: name, durationMs, summary: summarize(value) });
    return value;
  };

  const config = project.config;
  const settings = config.project;
  const resolved = options.env !== undefined || options.url !== undefined ? resolveTarget(project, options) : null;
  const envName = resolved?.envName ?? "sandbox";
  checkRuleOverrides(project);
  const discovery = await discoverProjectMigrations(project);
  const { migrations } = discovery;
  // Every migration is parsed before a sandbox exists: a syntax error costs nothing (exit 2).
  const preparedAll = await stage(
    "parse",
    () => prepareMigrations(migrations),
    (all) => `${all.length} migrations parsed`,
  );
  // A sandbox built from empty gets the preludes; a copy of the target has what they make.
  const preludes = resolved ? [] : await readPreludes(project);
  const extensions = new Set([...(await extensionsOfPreludes(preludes)), ...extensionsCreated(preparedAll)]);

  const sandbox = await stage(
    "sandbox",
    () =>
      openSandbox({
        target: resolved,
        ...(options.engine ? { engine: options.engine } : {}),
        schemaOnly: options.schemaOnly === true,
        keep: options.keep === true,
        extensions: [...extensions].sort(),
        root: project.root,
        environment: project.environment,
      }),
    (opened) => opened.description,
  );
  const onAbort = () => void sandbox.dispose();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await rehearseIn(sandbox);
  } catch (error) {
    // The sandbox was dropped under the running statement: say so, not what the driver saw.
    throwIfAborted(options.signal);
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await sandbox.dispose();
  }

  async function rehearseIn(sandbox: Sandbox): Promise<RehearseResult> {
    const engine = sandbox.engine;
    const serverVersion = await readServerVersion(engine);
    const runOptions = {
      lockTimeoutMs: parseDurationMs(config.apply.lock_timeout),
      lockRetries: config.apply.lock_retries,
      statementTimeoutMs: parseDurationMs(config.apply.statement_timeout),
      transaction: "per-migration" as const,
      runId: null,
      appliedBy: "drydock rehearse",
      // What a new session would start with; filled once the preludes have run (they may ALTER DATABASE … SET).
      sessionSettings: [] as string[],
      onEvent: emit,
    };
    const problems: string[] = [];
    let baselineVersions: string[] = [];
    let baselineSource = "the target's history";
    let seedLoaded = !sandbox.fromEmpty;
    if (sandbox.fromEmpty) {
      const baseline = await chooseBaseline(project.root, migrations, {
        ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
        ...(options.gitBase !== undefined ? { gitBase: options.gitBase } : {}),
      });
      baselineVersions = baseline.versions;
      baselineSource = baseline.source;
      await stage(
        "baseline",
        async () => {
          await runPreludes(engine, preludes, "Fix the prelude (project.prelude in drydock.toml); nothing was rehearsed.");
          runOptions.sessionSettings = await readSessionDefaults(engine);
          await ensureHistory(engine);
          const inBaseline = new Set(baseline.versions);
          const result = await runMigrations(
            engine,
            preparedAll.filter((prepared) => inBaseline.has(prepared.migration.version)),
            { ...runOptions, onEvent: undefined },
          );
          if (result.failed) {
            const failed = result.failed;
            throw new InputError(`baseline migration ${failed.version} failed in the sandbox: ${failed.message} (${failed.sqlstate})`, {
              location: { file: failed.file, line: failed.line, column: failed.column },
              hint: `The baseline (${baseline.source}) must apply from empty. Configure project.prelude or project.preset for what it needs, or choose another --baseline.`,
            });
          }
          if (baseline.versions.length > 0) {
            problems.push(...(await loadSeed(engine)));
            seedLoaded = true;
          }
          return result.applied.length;
        },
        (count) => `${count} baseline migrations (${baseline.source})${seedLoaded ? ", seed loaded" : ""}`,
      );
    } else {
      runOptions.sessionSettings = await readSessionDefaults(engine);
      await ensureHistory(engine);
    }

    const planned = await stage(
      "plan",
      () =>
        plan(project, {
          engine,
          cache: options.cache !== false,
          lintFindings: true,
          discovery,
          parsedScripts: new Map(preparedAll.map((prepared) => [prepared.migration.version, prepared.script])),
        }),
      (result) => `${result.migrations.filter((entry) => entry.pending).length} pending, ${result.findings.length} findings`,
    );
    refuseDependencyCycle(planned);
    const pendingVersions = new Set(planned.migrations.filter((entry) => entry.pending).map((entry) => entry.version));
    const pending = preparedAll.filter((prepared) => pendingVersions.has(prepared.migration.version));
    const lintFindings = await stage(
      "lint",
      async () =>
        pendingLint(
          planned.lint_findings ?? [],
          pending.map((prepared) => prepared.migration),
        ),
      (found) => {
        const suppressed = found.filter((finding) => finding.suppressed).length;
        return `${found.length - suppressed} findings${suppressed > 0 ? `, ${suppressed} suppressed` : ""}`;
      },
    );

    const schemas = settings.schemas;
    const benchmarks = config.checks.benchmark;
    const before = await stage(
      "snapshot before",
      async () => {
        const snapshot = await takeSnapshot(engine, { schemas, exactCounts: true });
        return {
          snapshot,
          benchmarks: benchmarks.length > 0 ? await measureBenchmarks(engine, benchmarks, {}) : null,
          // The rollback drill compares it with the data after the downs.
          drillData: await takeDrillDataBefore(engine, snapshot, {
            migrations: pending.map((prepared) => prepared.migration),
            isSeedLoadedLater: !seedLoaded && settings.seed.length > 0,
          }),
        };
      },
      ({ snapshot }) => `${snapshot.tables.length} tables`,
    );

    const steps = await stage(
      "apply",
      () => applyMeasured(engine, pending, new Map(planned.migrations.map((entry) => [entry.version, entry])), runOptions),
      (done) => `${done.filter((step) => step.status === "applied").length} of ${done.length} applied`,
    );
    const applyFailed = steps.some((step) => step.status === "failed");
    if (!seedLoaded && !applyFailed) {
      await stage(
        "seed",
        async () => problems.push(...(await loadSeed(engine))),
        () => `${settings.seed.length} seed files`,
      );
    }

    const after = await stage(
      "snapshot after",
      () => takeSnapshot(engine, { schemas, exactCounts: true }),
      (snapshot) => `${snapshot.tables.length} tables`,
    );
    const checks: CheckResult[] = applyFailed
      ? []
      : await stage(
          "verify",
          () =>
            runChecks({
              engine,
              config,
              migrations,
              plan: planned,
              before: before.snapshot,
              after,
              benchmarksBefore: before.benchmarks,
            }),
          (results) => `${results.filter((check) => check.status === "pass").length} of ${results.length} checks pass`,
        );
    const appliedVersions = new Set(steps.filter((step) => step.status === "applied").map((step) => step.version));
    const appliedUps = pending.filter((prepared) => appliedVersions.has(prepared.migration.version));
    const rollback: RollbackDrill = applyFailed
      ? { status: "skip", details: ["not run: a migration failed"] }
      : await stage(
          "rollback drill",
          () =>
            runRollbackDrill(engine, {
              migrations: appliedUps.map((prepared) => prepared.migration),
              ups: appliedUps,
              before: before.snapshot,
              after,
              data: before.drillData,
              schemas,
              run: { ...runOptions },
            }),
          (drill) => drill.status,
        );

    const populatedBefore = new Set(
      before.snapshot.statistics.relations
        .filter((relation) => (relation.row_count ?? 0) > 0)
        .map((relation) => `${relation.schema}.${relation.name}`),
    );
    const decision = decide({
      findings: planned.findings,
      lint: lintFindings,
      steps,
      checks,
      rollback,
      gates: config.gates,
      problems,
      populatedBefore,
      renamedFrom: new Map(
        planned.migrations.map((entry) => [entry.version, new Set((entry.renames ?? []).map((rename) => `${rename.kind} ${rename.from}`))]),
      ),
    });
    const finishedAt = new Date();
    const report: Report = {
      tool: { name: "drydock", version: toolVersion },
      kind: "rehearsal",
      env: envName,
      target: { engine: sandbox.target.engine, server_version: serverVersion.text, url_redacted: sandbox.target.url_redacted },
      plan: {
        hash: planned.hash,
        migrations: planned.migrations.filter((entry) => entry.pending),
        findings: planned.findings,
        groups: planned.groups,
      },
      steps,
      // The drill's own line among the checks (SPEC §7); the decision counts the drill once, as the drill.
      checks: [
        ...checks,
        rollbackRoundtripCheck(rollback, { migrations: appliedUps.length, requireReversible: config.gates.require_reversible }),
      ],
      rollback,
      stats: { before: statsOf(before.snapshot), after: statsOf(after) },
      decision,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      lint: lintFindings,
      stages,
      sandbox: {
        kind: sandbox.kind,
        description: [sandbox.description, ...sandbox.warnings].join("; "),
        baseline: baselineVersions,
        kept: sandbox.keptAt !== null,
      },
    };
    log.push({ at: finishedAt.toISOString(), event: "decision", verdict: decision.verdict, risk: decision.risk, baseline: baselineSource });
    const root = options.evidenceRoot ?? join(project.root, ".drydock", "evidence");
    const folder = await writeEvidence(join(root, evidenceFolderName(startedAt, envName, "rehearsal")), {
      report,
      before: before.snapshot,
      after,
      log,
    });
    return { report, evidence_dir: folder };
  }

  /** Loads the seed files; a failure is a reason for NO-GO, named at its file:line:column. */
  async function loadSeed(engine: Engine): Promise<string[]> {
    const failures: string[] = [];
    for (const seed of await readProjectFiles(project, "seed")) {
      const failure = await runSqlFile(engine, seed.file, seed.sql);
      if (failure) failures.push(`seed ${failure.file}:${failure.line}:${failure.column} failed: ${failure.message} (${failure.sqlstate})`);
    }
    return failures;
  }
}

/**
 * The lint findings of the migrations being rehearsed: the plan's (it runs the rules over the
 * pending migrations, against the sandbox's server version), so the project is not read,
 * parsed and linted a second time.
 */
function pendingLint(findings: readonly LintFinding[], pending: readonly Migration[]): ReportLintFinding[] {
  const files = new Set(pending.map((migration) => migration.up.file));
  return findings
    .filter((finding) => files.has(finding.file))
    .map(({ rule, severity, file, line, column, message, suppressed }) => ({ rule, severity, file, line, column, message, suppressed }));
}

/** `[lint.rules]` may only name rules that exist (as `drydock lint` requires); checked before any sandbox exists. */
function checkRuleOverrides(project: Project): void {
  for (const id of Object.keys(project.config.lint.rules)) {
    if (!findRule(id)) {
      throw new InputError(`lint.rules.${id}: no lint rule has this id`, {
        hint: "See docs/rules/ or run drydock lint --explain <id> for the ids.",
      });
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new EnvironmentError("the rehearsal was interrupted; its sandbox was removed", { hint: "Run drydock rehearse again." });
  }
}
