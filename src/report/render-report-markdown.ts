import type { LockMode, RelationLock } from "../model/analysis.js";
import type { CheckStatus } from "../model/check.js";
import type { PlannedMigration } from "../model/plan.js";
import type { Report, ReportStats, ReportStep, RollbackDrill } from "../model/report.js";
import type { SnapshotDifference } from "../model/snapshot.js";
import { redactUrl } from "../util/redact-url.js";
import {
  bullets,
  code,
  fenced,
  formatBytes,
  formatDelta,
  formatDuration,
  formatNumber,
  formatObserved,
  formatTimestamp,
  inline,
  listed,
  plural,
  spanOf,
  table,
} from "./format-report-values.js";
import { renderPlanMermaid } from "./render-plan-graph.js";
import { describeInventory } from "./render-plan-text.js";

const kindTitles: Record<Report["kind"], string> = { rehearsal: "rehearsal", apply: "apply", verify: "verification" };

const checkMarks: Record<CheckStatus, string> = { pass: "✅ pass", fail: "❌ fail", warn: "⚠️ warn", skip: "⏭ skip" };
const checkOrder: CheckStatus[] = ["fail", "warn", "pass", "skip"];

const stepMarks: Record<ReportStep["status"], string> = { applied: "✅ applied", failed: "❌ failed", "not-run": "⏭ not run" };

const rollbackMarks: Record<RollbackDrill["status"], string> = {
  pass: "✅ pass",
  fail: "❌ fail",
  irreversible: "⚠️ irreversible",
  skip: "⏭ skip",
};

const severityMarks = { error: "❌ error", warning: "⚠️ warning", info: "ℹ️ info" } as const;
const severityOrder = ["error", "warning", "info"] as const;

/** What a lock mode keeps others from doing (https://www.postgresql.org/docs/current/explicit-locking.html). */
const lockEffects: Partial<Record<LockMode, string>> = {
  ShareLock: "blocks writes",
  ShareRowExclusiveLock: "blocks writes",
  ExclusiveLock: "blocks writes",
  AccessExclusiveLock: "blocks reads and writes",
};

/** Rows of the before/after table: the SPEC §9 `stats` keys, in the order a reviewer reads them. */
const statRows: [keyof ReportStats, string][] = [
  ["tables", "Tables"],
  ["columns", "Columns"],
  ["foreign_keys", "Foreign keys"],
  ["indexes", "Indexes"],
  ["policies", "Policies"],
  ["rls_tables", "Tables with RLS"],
  ["functions", "Functions"],
  ["views", "Views"],
  ["triggers", "Triggers"],
  ["size_bytes", "Size"],
  ["rows", "Rows"],
];

/**
 * `report.md` of an evidence package (SPEC §9): a release memo a lead reads in two minutes.
 * The verdict and every reason come first, then what changes, the dependency graph (Mermaid),
 * the timeline with the locks each migration held, the checks with the numbers they saw, the
 * rollback drill, the before/after counts, lint and plan findings, and the environment. Pure
 * and deterministic: the same report gives the same bytes; passwords never appear.
 */
export function renderReportMarkdown(report: Report): string {
  const sections = [
    renderHeader(report),
    renderGlance(report),
    renderChanges(report),
    renderTimeline(report),
    renderChecks(report),
    renderRollback(report.rollback),
    renderStats(report),
    renderLint(report),
    renderPlanFindings(report),
    renderEnvironment(report),
  ];
  return redactUrl(`${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`);
}

function renderHeader(report: Report): string[] {
  const { decision } = report;
  const mark = decision.verdict === "GO" ? "✅" : "❌";
  const versions = report.steps.length > 0 ? report.steps.map((step) => step.version) : report.plan.migrations.map((m) => m.version);
  const range =
    versions.length > 1 ? ` (${versions[0]} → ${versions[versions.length - 1]})` : versions.length === 1 ? ` (${versions[0]})` : "";
  const lines = [
    `# drydock ${kindTitles[report.kind]} · ${report.env} · ${formatTimestamp(report.started_at).slice(0, 10)}`,
    "",
    `${kindTitles[report.kind].replace(/^./, (first) => first.toUpperCase())}${versions.length > 0 ? ` of ${plural(versions.length, "migration")}${range}` : ""} on ${code(report.env)} ` +
      `(${report.target.engine} ${report.target.server_version}), plan ${code(report.plan.hash.slice(0, 12))}, ` +
      `${formatTimestamp(report.started_at)}, ${formatDuration(report.duration_ms)}.`,
    "",
    `## Verdict: ${mark} ${decision.verdict} · risk ${decision.risk}`,
    "",
  ];
  if (decision.reasons.length === 0) lines.push("- No reason was recorded.");
  for (const reason of decision.reasons) lines.push(`- ${inline(reason)}`);
  return lines;
}

function renderGlance(report: Report): string[] {
  const { steps, stats } = report;
  const applied = steps.filter((step) => step.status === "applied").length;
  const failed = steps.filter((step) => step.status === "failed").length;
  const notRun = steps.filter((step) => step.status === "not-run").length;
  const stepTime = steps.reduce((total, step) => total + step.duration_ms, 0);
  const migrations = [`${formatNumber(applied)} of ${formatNumber(steps.length)} applied`];
  if (failed > 0) migrations.push(`${formatNumber(failed)} failed`);
  if (notRun > 0) migrations.push(`${formatNumber(notRun)} not run`);
  const lint = report.lint.filter((finding) => !finding.suppressed);
  const schemaChanges = statRows
    .filter(([key]) => key !== "size_bytes" && key !== "rows" && stats.after[key] !== stats.before[key])
    .map(([key, label]) => `${label.charAt(0).toLowerCase()}${label.slice(1)} ${formatDelta(stats.after[key] - stats.before[key])}`);
  const sizeDelta = formatDelta(stats.after.size_bytes - stats.before.size_bytes, formatBytes);
  return [
    "## At a glance",
    "",
    `- **Migrations:** ${migrations.join(", ")} (${formatDuration(stepTime)})`,
    `- **Checks:** ${report.checks.length === 0 ? "none ran" : `${formatNumber(report.checks.length)} run: ${countChecks(report)}`}`,
    `- **Rollback drill:** ${rollbackMarks[report.rollback.status]}${report.rollback.details[0] ? ` — ${inline(report.rollback.details[0])}` : ""}`,
    `- **Schema:** ${schemaChanges.length > 0 ? schemaChanges.join(", ") : "no count changed"}`,
    `- **Data:** ${formatNumber(stats.before.rows)} → ${formatNumber(stats.after.rows)} rows (${formatDelta(stats.after.rows - stats.before.rows)}), ` +
      `${formatBytes(stats.before.size_bytes)} → ${formatBytes(stats.after.size_bytes)} (${sizeDelta})`,
    `- **Lint:** ${countSeverities(lint)}${suppressedNote(report)}`,
    `- **Plan findings:** ${report.plan.findings.length === 0 ? "none" : countSeverities(report.plan.findings)}`,
  ];
}

function renderChanges(report: Report): string[] {
  const lines = ["## What changes", ""];
  const migrations = report.plan.migrations;
  if (migrations.length === 0) return [...lines, "No migration is planned."];
  const rows = migrations.map((migration) => [
    `${migration.version} ${migration.name}`,
    Object.keys(migration.inventory).length > 0 ? describeInventory(migration.inventory) : "",
    listed([...new Set(migration.alters.map((ref) => code(ref.name)))]),
    listed(migration.drops.map((ref) => `${ref.kind.replace("_", " ")} ${code(ref.name)}`)),
    migration.transaction.mode === "transaction" ? "one transaction" : `statement by statement (${migration.transaction.reason})`,
    migration.reversible ? "yes" : "⚠️ no",
  ]);
  lines.push(...table(["Migration", "Creates", "Alters", "Drops", "Runs in", "Down"], rows));
  lines.push("", "### Dependency graph", "", "```mermaid", renderPlanMermaid(report.plan), "```");
  return lines;
}

function renderTimeline(report: Report): string[] {
  const lines = ["## Timeline", ""];
  if (report.steps.length === 0) return [...lines, "No migration ran."];
  const planned = new Map(report.plan.migrations.map((migration) => [migration.version, migration]));
  const rows = report.steps.map((step, index) => {
    const ran = step.status !== "not-run";
    const { created, altered, dropped } = step.changes;
    const mismatches =
      step.predicted_mismatch.length > 0 ? step.predicted_mismatch.join("\n") : step.status === "applied" ? "as planned" : "";
    return [
      String(index + 1),
      `${step.version} ${step.name}`,
      stepMarks[step.status],
      ran ? formatDuration(step.duration_ms) : "",
      ran ? describeLocks(step, planned.get(step.version)) : "",
      ran
        ? `${formatNumber(created.length)} created · ${formatNumber(altered.length)} altered · ${formatNumber(dropped.length)} dropped`
        : "",
      mismatches,
    ];
  });
  lines.push(...table(["#", "Migration", "Status", "Duration", "Locks held", "Changes", "Plan vs actual"], rows, "r"));
  for (const step of report.steps) {
    if (!step.error) continue;
    const { error } = step;
    lines.push("", `**❌ ${step.version} ${step.name} failed** at ${code(`${error.file}:${error.line}:${error.column}`)}`, "");
    lines.push(...fenced(`${error.sqlstate}: ${error.message}`));
    if (error.hint) lines.push("", `Hint: ${inline(error.hint)}`);
  }
  return lines;
}

/**
 * The locks a step held. Unmeasured ones (a failed migration, one run statement by statement)
 * show the plan's prediction instead, marked as such.
 */
function describeLocks(step: ReportStep, migration: PlannedMigration | undefined): string {
  if (step.locks_measured) return step.locks.length === 0 ? "none" : step.locks.map(describeLock).join("\n");
  const why = step.status === "failed" ? "failed" : migration?.transaction.mode === "statements" ? "run statement by statement" : "";
  const predicted = migration && migration.locks.length > 0 ? `; predicted:\n${migration.locks.map(describeLock).join("\n")}` : "";
  return `not measured${why ? ` (${why})` : ""}${predicted}`;
}

function describeLock(lock: RelationLock): string {
  const effect = lockEffects[lock.mode];
  return `${code(lock.relation)} ${effect ? `**${lock.mode}** (${effect})` : lock.mode}`;
}

function renderChecks(report: Report): string[] {
  const lines = ["## Checks", ""];
  if (report.checks.length === 0) return [...lines, "No check ran."];
  lines.push(`${plural(report.checks.length, "check")}: ${countChecks(report)}`, "");
  const rows = report.checks.map((check) => {
    const observed = formatObserved(check.observed);
    return [code(check.id), checkMarks[check.status], check.summary, observed === "" ? "_no numbers recorded_" : observed];
  });
  lines.push(...table(["Check", "Status", "Summary", "Observed"], rows));
  for (const check of report.checks) {
    if ((check.status !== "fail" && check.status !== "warn") || check.details.length === 0) continue;
    lines.push("", `**${checkMarks[check.status]} ${code(check.id)}**`, "", ...bullets(check.details, 20));
  }
  return lines;
}

/** "1 ❌ fail (`fk.orphans`) · 0 ⚠️ warn · 9 ✅ pass · 1 ⏭ skip": failures first, and named. */
function countChecks(report: Report): string {
  return checkOrder
    .map((status) => {
      const matching = report.checks.filter((check) => check.status === status);
      const named =
        (status === "fail" || status === "warn") && matching.length > 0 ? ` (${listed(matching.map((check) => code(check.id)))})` : "";
      return `${formatNumber(matching.length)} ${checkMarks[status]}${named}`;
    })
    .join(" · ");
}

function renderRollback(drill: RollbackDrill): string[] {
  const duration = drill.duration_ms ? ` in ${formatDuration(drill.duration_ms)}` : "";
  const lines = [
    "## Rollback drill",
    "",
    `**${rollbackMarks[drill.status]}**${duration}. The down migrations, run in reverse, must restore the catalog as it was before; ` +
      "the ups, run again, must restore it as it was after.",
  ];
  if (drill.details.length > 0) lines.push("", ...bullets(drill.details, 50));
  const differences = drill.differences;
  if (!differences) return lines;
  if (differences.after_down.length === 0 && differences.after_up.length === 0) {
    lines.push("", "No catalog difference after the downs, nor after the ups again.");
    return lines;
  }
  if (differences.after_down.length > 0) {
    lines.push(
      "",
      "Differences after the downs (against the catalog before):",
      "",
      ...bullets(differences.after_down.map(describeDifference), 50),
    );
  }
  if (differences.after_up.length > 0) {
    lines.push(
      "",
      "Differences after the ups again (against the catalog after):",
      "",
      ...bullets(differences.after_up.map(describeDifference), 50),
    );
  }
  return lines;
}

function describeDifference(difference: SnapshotDifference): string {
  const what = `${difference.kind} ${code(difference.name)}`;
  if (difference.change === "missing") return `${what} is missing`;
  if (difference.change === "extra") return `${what} is extra`;
  const values = `${compactJson(difference.before)} → ${compactJson(difference.after)}`;
  return `${what} changed${difference.attribute ? ` ${code(difference.attribute)}` : ""}: ${values}`;
}

function compactJson(value: unknown): string {
  const text = value === undefined ? "absent" : JSON.stringify(value);
  return code(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}

function renderStats(report: Report): string[] {
  const { before, after } = report.stats;
  const rows = statRows.map(([key, label]) => {
    const format = key === "size_bytes" ? formatBytes : formatNumber;
    return [label, format(before[key]), format(after[key]), formatDelta(after[key] - before[key], format)];
  });
  return ["## Before and after", "", ...table(["", "Before", "After", "Change"], rows, " rrr")];
}

function renderLint(report: Report): string[] {
  const lines = ["## Lint findings", ""];
  const shown = bySeverity(report.lint.filter((finding) => !finding.suppressed));
  if (shown.length === 0) return [...lines, `No lint finding${suppressedNote(report)}.`];
  lines.push(`${countSeverities(shown)}${suppressedNote(report)}.`, "");
  const rows = shown.map((finding) => [
    severityMarks[finding.severity],
    code(finding.rule),
    code(`${finding.file}:${finding.line}:${finding.column}`),
    finding.message,
  ]);
  return [...lines, ...table(["Severity", "Rule", "Location", "Message"], rows)];
}

function suppressedNote(report: Report): string {
  const suppressed = report.lint.filter((finding) => finding.suppressed);
  if (suppressed.length === 0) return "";
  const byRule = new Map<string, number>();
  for (const finding of suppressed) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1);
  const rules = [...byRule].map(([rule, count]) => `${rule} ${formatNumber(count)}`).join(", ");
  return `; ${formatNumber(suppressed.length)} more suppressed with ${code("-- drydock:allow")} (${rules})`;
}

function renderPlanFindings(report: Report): string[] {
  const lines = ["## Plan findings", ""];
  const findings = bySeverity(report.plan.findings);
  if (findings.length === 0) return [...lines, "None: every object is created before it is used."];
  lines.push(`${countSeverities(findings)}.`, "");
  const rows = findings.map((finding) => [
    severityMarks[finding.severity],
    finding.kind,
    finding.version,
    code(`${finding.file}:${finding.line}:${finding.column}`),
    finding.message,
  ]);
  return [...lines, ...table(["Severity", "Kind", "Migration", "Location", "Message"], rows)];
}

function renderEnvironment(report: Report): string[] {
  const { sandbox } = report;
  const rows = [
    ["Kind", report.kind],
    ["Environment", report.env],
    ["Target", `${report.target.engine} ${report.target.server_version}`],
    ["URL", code(report.target.url_redacted)],
  ];
  if (sandbox.description !== "" || sandbox.kind !== "") {
    const baseline =
      sandbox.baseline.length === 0 ? "none" : `${plural(sandbox.baseline.length, "migration")} (${spanOf(sandbox.baseline)})`;
    rows.push(["Sandbox", `${sandbox.description || sandbox.kind}; baseline: ${baseline}; ${sandbox.kept ? "kept" : "removed"}`]);
  }
  rows.push(
    ["Plan hash", code(report.plan.hash)],
    ["drydock", report.tool.version],
    ["Started", formatTimestamp(report.started_at)],
    ["Finished", formatTimestamp(report.finished_at)],
    ["Duration", formatDuration(report.duration_ms)],
  );
  const lines = ["## Environment", "", ...table(["", ""], rows)];
  if (report.stages.length > 0) {
    const stageRows = report.stages.map((stage) => [
      stage.name,
      formatDuration(stage.duration_ms),
      share(stage.duration_ms, report.duration_ms),
    ]);
    lines.push("", "### Stage timings", "", ...table(["Stage", "Duration", "Share"], stageRows, " rr"));
  }
  return lines;
}

function share(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)} %` : "";
}

function countSeverities(findings: readonly { severity: "error" | "warning" | "info" }[]): string {
  const counts = severityOrder.map((severity) => findings.filter((finding) => finding.severity === severity).length);
  return `${plural(counts[0] ?? 0, "error")}, ${plural(counts[1] ?? 0, "warning")}, ${formatNumber(counts[2] ?? 0)} info`;
}

function bySeverity<T extends { severity: "error" | "warning" | "info" }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity));
}
