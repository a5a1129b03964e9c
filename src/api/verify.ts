import { join } from "node:path";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { type Engine, readServerVersion } from "../db/engine.js";
import { readHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { type Discovery, discoverProjectMigrations } from "../discover/discover-migrations.js";
import { InputError } from "../errors/drydock-error.js";
import type { Plan } from "../model/plan.js";
import type { Project } from "../model/project.js";
import type { Decision, Report } from "../model/report.js";
import { evidenceFolderName, writeEvidence } from "../report/evidence.js";
import { statsOf } from "../report/report-stats.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { runChecks } from "../verify/run-checks.js";
import { toolVersion } from "../version.js";
import { plan } from "./plan.js";

export interface VerifyOptions extends TargetChoice {
  /** Read and write the plan's caches in `.drydock/cache/` (default true). */
  cache?: boolean;
  /** Parent folder of evidence packages; default `<project>/.drydock/evidence`. */
  evidenceRoot?: string;
  /** Write no evidence package (the result is still returned). */
  noEvidence?: boolean;
}

export interface VerifyResult {
  report: Report;
  /** The evidence package's folder, or null with `noEvidence`. */
  evidence_dir: string | null;
}

/**
 * `drydock verify` (SPEC §4): the verification suite against a live database, read only. With
 * no "before" to compare with, the checks that compare (row counts, benchmark regression) say
 * so in their numbers; `objects.expected` checks what the applied migrations create.
 * GO when no check fails; the evidence package has kind `verify`.
 */
export async function verify(project: Project, options: VerifyOptions = {}): Promise<VerifyResult> {
  const startedAt = new Date();
  const { target, envName } = resolveTarget(project, options);
  const engine = await openEngine(target, { applicationName: "drydock verify" });
  try {
    const serverVersion = await readServerVersion(engine);
    const discovery = await discoverProjectMigrations(project);
    const { migrations } = discovery;
    const schemas = project.config.project.schemas;
    const planned = await appliedPlan(project, engine, discovery, options.cache !== false);
    const started = performance.now();
    const after = await takeSnapshot(engine, { schemas, exactCounts: true });
    const snapshotMs = Math.round(performance.now() - started);
    const checks = await runChecks({
      engine,
      config: project.config,
      migrations,
      plan: planned,
      before: null,
      after,
      benchmarksBefore: null,
      purpose: "live",
    });
    const checksMs = Math.round(performance.now() - started) - snapshotMs;
    const failed = checks.filter((check) => check.status === "fail");
    const warned = checks.filter((check) => check.status === "warn");
    const decision: Decision =
      failed.length > 0
        ? { verdict: "NO-GO", reasons: failed.map((check) => `check ${check.id} failed: ${check.summary}`), risk: "high" }
        : warned.length > 0
          ? { verdict: "GO", reasons: warned.map((check) => `check ${check.id} warns: ${check.summary}`), risk: "medium" }
          : {
              verdict: "GO",
              reasons: [`${checks.filter((check) => check.status === "pass").length} of ${checks.length} checks passed`],
              risk: "low",
            };
    const finishedAt = new Date();
    const stats = statsOf(after);
    const report: Report = {
      tool: { name: "drydock", version: toolVersion },
      kind: "verify",
      env: envName,
      target: { engine: target.engine, server_version: serverVersion.text, url_redacted: target.urlRedacted },
      plan: planned
        ? {
            hash: planned.hash,
            migrations: planned.migrations.filter((entry) => entry.pending),
            findings: planned.findings,
            groups: planned.groups,
          }
        : { hash: "", migrations: [], findings: [], groups: [] },
      steps: [],
      checks,
      rollback: { status: "skip", details: ["verify changes nothing: there is nothing to roll back"] },
      stats: { before: stats, after: stats },
      decision,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      lint: [],
      stages: [
        { name: "snapshot", duration_ms: snapshotMs },
        { name: "verify", duration_ms: checksMs },
      ],
      sandbox: { kind: "none", description: `the live database ${target.urlRedacted}, read only`, baseline: [], kept: false },
    };
    if (options.noEvidence) return { report, evidence_dir: null };
    const root = options.evidenceRoot ?? join(project.root, ".drydock", "evidence");
    const folder = await writeEvidence(join(root, evidenceFolderName(startedAt, envName, "verify")), {
      report,
      before: null,
      after,
      log: [{ at: finishedAt.toISOString(), event: "decision", verdict: decision.verdict }],
    });
    return { report, evidence_dir: folder };
  } finally {
    await engine.close();
  }
}

/**
 * The plan of the project's migrations from empty, with the applied ones (by the target's
 * history) marked as the ones that ran: `objects.expected` checks that what they create exists.
 * Its hash is the plan of every migration from empty, which names the migration set. None when a
 * migration file cannot be planned (a syntax error): the live database can still be checked.
 */
async function appliedPlan(project: Project, engine: Engine, discovery: Discovery, cache: boolean): Promise<Plan | null> {
  const applied = new Set((await readHistory(engine)).map((entry) => entry.version));
  let planned: Plan;
  try {
    planned = await plan(project, { all: true, useTarget: false, cache, discovery });
  } catch (error) {
    if (error instanceof InputError) return null;
    throw error;
  }
  return { ...planned, migrations: planned.migrations.map((entry) => ({ ...entry, pending: applied.has(entry.version) })) };
}
