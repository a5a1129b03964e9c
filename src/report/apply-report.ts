import type { ApplyResult } from "../model/apply-result.js";
import type { CheckResult } from "../model/check.js";
import type { Plan } from "../model/plan.js";
import type { Decision, Report, ReportStep, RollbackDrill } from "../model/report.js";
import type { Snapshot } from "../model/snapshot.js";
import { toolVersion } from "../version.js";
import { statsOf } from "./report-stats.js";

/**
 * The report of an apply (SPEC §9, kind `apply`), pure: pre-flight items, gates and the
 * verification suite are its checks; the automatic rollback, when one ran, is its `rollback`.
 * The verdict is GO when the migrations applied and verified; NO-GO with every reason otherwise.
 */
export function applyReport(result: ApplyResult, plan: Plan, before: Snapshot | null, after: Snapshot | null, startedAt: Date): Report {
  const finishedAt = new Date(startedAt.getTime() + result.duration_ms);
  const failedVersion = result.failed?.version ?? null;
  const steps: ReportStep[] = [
    ...result.applied.map((step) => emptyStep(step.version, step.name, "applied", step.duration_ms)),
    ...(result.failed
      ? [
          {
            ...emptyStep(result.failed.version, result.failed.name, "failed", 0),
            error: {
              sqlstate: result.failed.sqlstate,
              message: result.failed.message,
              file: result.failed.file,
              line: result.failed.line,
              column: result.failed.column,
              hint: result.failed.hint,
            },
          },
        ]
      : []),
    ...result.skipped
      .filter((entry) => entry.reason.startsWith("not run") && entry.version !== failedVersion)
      .map((entry) => emptyStep(entry.version, entry.name, "not-run", 0)),
  ];
  const stats = after ?? before;
  return {
    tool: { name: "drydock", version: toolVersion },
    kind: "apply",
    env: result.env,
    target: result.target,
    plan: { hash: plan.hash, migrations: plan.migrations.filter((entry) => entry.pending), findings: plan.findings, groups: plan.groups },
    steps,
    checks: [...result.preflight, ...result.gates, ...backupCheckOf(result), ...result.checks],
    rollback: rollbackOf(result),
    stats: { before: before ? statsOf(before) : emptyStats(stats), after: after ? statsOf(after) : emptyStats(stats) },
    decision: decisionOf(result),
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: result.duration_ms,
    lint: [],
    stages: [],
    sandbox: { kind: "none", description: `applied to ${result.target.url_redacted} itself`, baseline: [], kept: false },
  };
}

/**
 * The backup as a line among the checks (`apply.backup`), so that the report shows which file
 * holds the database as it was and that it was read back: `pass` when taken and verified, `skip`
 * when not taken, `fail` when a required one failed (the apply was blocked), else `warn`.
 */
function backupCheckOf(result: ApplyResult): CheckResult[] {
  const { backup } = result;
  if (!backup) return [];
  const blocked = result.blocked?.some((reason) => reason.startsWith("backup: ")) === true;
  const status = backup.status === "done" ? "pass" : backup.status === "skipped" ? "skip" : blocked ? "fail" : "warn";
  const observed = {
    file: backup.file,
    size_bytes: backup.size_bytes,
    tables: backup.tables,
    restore_mismatches: backup.restore_mismatches?.length ?? null,
  };
  return [{ id: "apply.backup", status, summary: backup.summary, observed, details: backup.restore_mismatches ?? [] }];
}

function decisionOf(result: ApplyResult): Decision {
  const reasons: string[] = [...(result.blocked ?? [])];
  if (result.failed) {
    const failure = result.failed;
    reasons.push(
      `migration ${failure.version} ${failure.name} failed at ${failure.file}:${failure.line}:${failure.column}: ${failure.message} (${failure.sqlstate})`,
    );
  }
  for (const check of result.checks) if (check.status === "fail") reasons.push(`check ${check.id} failed: ${check.summary}`);
  if (result.rollback.status !== "not-needed") reasons.push(...result.rollback.details);
  if (reasons.length > 0) return { verdict: "NO-GO", reasons, risk: "high" };
  const notes = [
    ...result.warnings,
    ...[...result.preflight, ...result.gates, ...result.checks]
      .filter((check) => check.status === "warn")
      .map((check) => `${check.id} warns: ${check.summary}`),
  ];
  if (notes.length > 0) return { verdict: "GO", reasons: notes, risk: "medium" };
  return { verdict: "GO", reasons: [`${result.applied.length} migrations applied and verified`], risk: "low" };
}

function rollbackOf(result: ApplyResult): RollbackDrill {
  const { rollback } = result;
  switch (rollback.status) {
    case "not-needed":
      return { status: "skip", details: ["no rollback was needed"] };
    case "rolled-back":
      return { status: rollback.restored ? "pass" : "fail", details: rollback.details };
    case "impossible":
      return { status: "irreversible", details: rollback.details };
    default:
      return { status: rollback.status === "stopped" ? "skip" : "fail", details: rollback.details };
  }
}

function emptyStep(version: string, name: string, status: ReportStep["status"], durationMs: number): ReportStep {
  return {
    version,
    name,
    status,
    duration_ms: durationMs,
    locks: [],
    locks_measured: false,
    changes: { created: [], altered: [], dropped: [] },
    predicted_mismatch: [],
    error: null,
  };
}

function emptyStats(snapshot: Snapshot | null): Report["stats"]["before"] {
  if (snapshot) return statsOf(snapshot);
  return {
    tables: 0,
    columns: 0,
    foreign_keys: 0,
    indexes: 0,
    policies: 0,
    rls_tables: 0,
    functions: 0,
    views: 0,
    triggers: 0,
    size_bytes: 0,
    rows: 0,
  };
}
