import type { Config } from "../config/schema.js";
import type { CheckResult } from "../model/check.js";
import type { PlanFinding } from "../model/plan.js";
import type { Decision, ReportLintFinding, ReportStep, RollbackDrill } from "../model/report.js";

export interface DecideInput {
  findings: readonly PlanFinding[];
  /** Lint findings of the rehearsed migrations. */
  lint: readonly ReportLintFinding[];
  steps: readonly ReportStep[];
  checks: readonly CheckResult[];
  rollback: RollbackDrill;
  gates: Config["gates"];
  /** Problems of the rehearsal itself that are not a migration's (the seed failed to load). */
  problems?: readonly string[];
  /** Relations with rows before the migrations, for the risk of a strong lock. */
  populatedBefore?: ReadonlySet<string>;
  /**
   * By migration, what it renames (`column public.t.old`, `table public.t`), from the plan: the
   * catalog sees a rename as a drop and a create, but nothing was dropped (lint's rename rules
   * speak for renames).
   */
  renamedFrom?: ReadonlyMap<string, ReadonlySet<string>>;
}

const severityRank = { info: 0, warning: 1, error: 2 } as const;

/**
 * GO or NO-GO (SPEC §7 Rehearse step 7), pure. NO-GO reasons: a plan finding of severity error;
 * a lint finding above `gates.max_lint_severity`; a migration that failed; a failed check; a
 * failed rollback drill, or an irreversible one under `gates.require_reversible`. Everything
 * else worth a reviewer's eye (warnings, irreversibility, unpredicted behaviour, strong locks on
 * tables that hold rows, destructive changes) is listed too and raises the risk from low to
 * medium; a NO-GO is high risk.
 */
export function decide(input: DecideInput): Decision {
  const blocking: string[] = [...(input.problems ?? [])];
  const notes: string[] = [];
  for (const finding of input.findings) {
    const line = `plan: ${finding.kind} at ${finding.file}:${finding.line}:${finding.column}: ${finding.message}`;
    (finding.severity === "error" ? blocking : notes).push(line);
  }
  const allowed = severityRank[input.gates.max_lint_severity];
  for (const finding of input.lint) {
    if (finding.suppressed) continue;
    const line = `lint: ${finding.rule} (${finding.severity}) at ${finding.file}:${finding.line}:${finding.column}: ${finding.message}`;
    if (severityRank[finding.severity] > allowed) blocking.push(line);
    else if (finding.severity !== "info") notes.push(line);
  }
  for (const step of input.steps) {
    if (step.status === "failed") {
      const where = step.error ? ` at ${step.error.file}:${step.error.line}:${step.error.column}` : "";
      const what = step.error ? `: ${step.error.message} (${step.error.sqlstate})` : "";
      blocking.push(`migration ${step.version} ${step.name} failed${where}${what}`);
    }
    for (const mismatch of step.predicted_mismatch) notes.push(`migration ${step.version}: ${mismatch}`);
    for (const warning of step.server_warnings ?? []) notes.push(`migration ${step.version}: the server warned: ${warning}`);
    for (const lock of step.locks) {
      if (lock.mode === "AccessExclusiveLock" && input.populatedBefore?.has(lock.relation)) {
        notes.push(`migration ${step.version} held ACCESS EXCLUSIVE on ${lock.relation}, which holds rows: reads and writes wait for it`);
      }
    }
    const renamed = input.renamedFrom?.get(step.version);
    const dropped = step.changes.dropped.filter((key) => (key.startsWith("table ") || key.startsWith("column ")) && !renamed?.has(key));
    for (const key of dropped) {
      notes.push(`migration ${step.version} dropped ${key}`);
    }
  }
  for (const check of input.checks) {
    if (check.status === "fail") blocking.push(`check ${check.id} failed: ${check.summary}`);
    else if (check.status === "warn") notes.push(`check ${check.id} warns: ${check.summary}`);
  }
  const drill = input.rollback;
  if (drill.status === "fail") blocking.push(`rollback drill failed: ${drill.details.slice(0, 5).join("; ")}`);
  for (const warning of drill.warnings ?? []) notes.push(`rollback drill: ${warning}`);
  if (drill.status === "irreversible") {
    const line = `rollback drill: irreversible (${drill.details.join("; ")})`;
    (input.gates.require_reversible ? blocking : notes).push(
      input.gates.require_reversible ? `${line}; gates.require_reversible is on` : line,
    );
  }
  if (blocking.length > 0) return { verdict: "NO-GO", reasons: [...blocking, ...notes], risk: "high" };
  if (notes.length > 0) return { verdict: "GO", reasons: notes, risk: "medium" };
  const applied = input.steps.filter((step) => step.status === "applied").length;
  const passed = input.checks.filter((check) => check.status === "pass").length;
  const summary = `${applied} migration${applied === 1 ? "" : "s"} applied, ${passed} of ${input.checks.length} checks passed, rollback drill ${drill.status}`;
  return { verdict: "GO", reasons: [summary], risk: "low" };
}
