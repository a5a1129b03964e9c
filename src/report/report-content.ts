import type { LockMode, RelationLock } from "../model/analysis.js";
import type { CheckStatus } from "../model/check.js";
import type { PlannedMigration } from "../model/plan.js";
import type { Report, ReportStats, ReportStep, RollbackDrill } from "../model/report.js";
import type { SnapshotDifference } from "../model/snapshot.js";
import {
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
} from "./format-report-values.js";
import { describeInventory } from "./render-plan-text.js";

/**
 * How a renderer marks up what a report says. `report.md` and `report.html` share every
 * sentence, row and count of this module; only the markup differs, so both say the same thing.
 */
export interface ReportMarkup {
  /** Text from the report (user SQL, names, messages), made safe for the format. */
  text(plain: string): string;
  /** An identifier, a path or a value, shown as code. */
  code(plain: string): string;
  /** Emphasis around markup already made. */
  strong(markup: string): string;
  /** A line break inside one table cell. */
  lineBreak: string;
}

/** A table: column headers (plain text) and rows of markup. `align` has `r` at each right-aligned column. */
export interface ReportTable {
  columns: string[];
  rows: string[][];
  align?: string;
}

/** A list under a title, cut to `limit` items by the renderer. */
export interface ReportList {
  title: string;
  items: string[];
}

export const kindTitles: Record<Report["kind"], string> = { rehearsal: "rehearsal", apply: "apply", verify: "verification" };

export const checkMarks: Record<CheckStatus, string> = { pass: "✅ pass", fail: "❌ fail", warn: "⚠️ warn", skip: "⏭ skip" };
const checkOrder: CheckStatus[] = ["fail", "warn", "pass", "skip"];

export const stepMarks: Record<ReportStep["status"], string> = { applied: "✅ applied", failed: "❌ failed", "not-run": "⏭ not run" };

export const rollbackMarks: Record<RollbackDrill["status"], string> = {
  pass: "✅ pass",
  fail: "❌ fail",
  irreversible: "⚠️ irreversible",
  skip: "⏭ skip",
};

const severityMarks = { error: "❌ error", warning: "⚠️ warning", info: "ℹ️ info" } as const;
const severityOrder = ["error", "warning", "info"] as const;

/** What a lock mode keeps others from doing (https://www.postgresql.org/docs/current/explicit-locking.html). */
export const lockEffects: Partial<Record<LockMode, string>> = {
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

/** "drydock rehearsal · staging · 2026-03-14": the title of a report. */
export function reportTitle(report: Report): string {
  return `drydock ${kindTitles[report.kind]} · ${report.env} · ${formatTimestamp(report.started_at).slice(0, 10)}`;
}

/** The sentence under the title: what ran, where, which plan, when, how long. */
export function describeRun(report: Report, m: ReportMarkup): string {
  const versions = report.steps.length > 0 ? report.steps.map((step) => step.version) : report.plan.migrations.map((mig) => mig.version);
  const range =
    versions.length > 1 ? ` (${versions[0]} → ${versions[versions.length - 1]})` : versions.length === 1 ? ` (${versions[0]})` : "";
  const kind = kindTitles[report.kind].replace(/^./, (first) => first.toUpperCase());
  const what = versions.length > 0 ? ` of ${plural(versions.length, "migration")}${range}` : "";
  return (
    `${m.text(`${kind}${what} on `)}${m.code(report.env)} ` +
    `${m.text(`(${report.target.engine} ${report.target.server_version}), plan `)}${m.code(report.plan.hash.slice(0, 12))}, ` +
    `${m.text(formatTimestamp(report.started_at))}, ${formatDuration(report.duration_ms)}.`
  );
}

/** "✅ GO · risk low". */
export function describeVerdict(report: Report): string {
  const { decision } = report;
  return `${decision.verdict === "GO" ? "✅" : "❌"} ${decision.verdict} · risk ${decision.risk}`;
}

/** The "At a glance" list: a label and its markup per line. */
export function glanceItems(report: Report, m: ReportMarkup): [string, string][] {
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
  const firstDetail = report.rollback.details[0];
  return [
    ["Migrations", `${migrations.join(", ")} (${formatDuration(stepTime)})`],
    ["Checks", report.checks.length === 0 ? "none ran" : `${formatNumber(report.checks.length)} run: ${countChecks(report, m)}`],
    ["Rollback drill", `${rollbackMarks[report.rollback.status]}${firstDetail ? ` — ${m.text(inline(firstDetail))}` : ""}`],
    ["Schema", schemaChanges.length > 0 ? schemaChanges.join(", ") : "no count changed"],
    [
      "Data",
      `${formatNumber(stats.before.rows)} → ${formatNumber(stats.after.rows)} rows (${formatDelta(stats.after.rows - stats.before.rows)}), ` +
        `${formatBytes(stats.before.size_bytes)} → ${formatBytes(stats.after.size_bytes)} (${sizeDelta})`,
    ],
    ["Lint", `${countSeverities(lint)}${suppressedNote(report, m)}`],
    ["Plan findings", report.plan.findings.length === 0 ? "none" : countSeverities(report.plan.findings)],
  ];
}

/** What each planned migration creates, alters and drops, how it runs, and whether it has a down. */
export function changesTable(report: Report, m: ReportMarkup): ReportTable {
  const rows = report.plan.migrations.map((migration) => [
    m.text(`${migration.version} ${migration.name}`),
    Object.keys(migration.inventory).length > 0 ? m.text(describeInventory(migration.inventory)) : "",
    listed([...new Set(migration.alters.map((ref) => m.code(ref.name)))]),
    listed([
      ...migration.drops.map((ref) => `${m.text(ref.kind.replace("_", " "))} ${m.code(ref.name)}`),
      ...(migration.cascades ?? []).map((ref) => `${m.text(ref.kind.replace("_", " "))} ${m.code(ref.name)} ${m.text("(cascade)")}`),
    ]),
    m.text(migration.transaction.mode === "transaction" ? "one transaction" : `statement by statement (${migration.transaction.reason})`),
    migration.reversible ? "yes" : "⚠️ no",
  ]);
  return { columns: ["Migration", "Creates", "Alters", "Drops", "Runs in", "Down"], rows };
}

/** One row per step: status, duration, the locks it held, its catalog changes, plan against actual. */
export function timelineTable(report: Report, m: ReportMarkup): ReportTable {
  const planned = new Map(report.plan.migrations.map((migration) => [migration.version, migration]));
  const rows = report.steps.map((step, index) => {
    const ran = step.status !== "not-run";
    const { created, altered, dropped } = step.changes;
    const mismatches =
      step.predicted_mismatch.length > 0
        ? step.predicted_mismatch.map(m.text).join(m.lineBreak)
        : step.status === "applied"
          ? "as planned"
          : "";
    return [
      String(index + 1),
      m.text(`${step.version} ${step.name}`),
      stepMarks[step.status],
      ran ? formatDuration(step.duration_ms) : "",
      ran ? describeLocks(step, planned.get(step.version), m) : "",
      ran
        ? `${formatNumber(created.length)} created · ${formatNumber(altered.length)} altered · ${formatNumber(dropped.length)} dropped`
        : "",
      mismatches,
    ];
  });
  return { columns: ["#", "Migration", "Status", "Duration", "Locks held", "Changes", "Plan vs actual"], rows, align: "r" };
}

/** Each failed step: a title naming it and where it failed, the SQLSTATE and message, the hint. */
export function stepFailures(report: Report, m: ReportMarkup): { title: string; error: string; hint: string | null }[] {
  return report.steps.flatMap((step) => {
    if (!step.error) return [];
    const { error } = step;
    return [
      {
        title: `${m.strong(m.text(`❌ ${step.version} ${step.name} failed`))} at ${m.code(`${error.file}:${error.line}:${error.column}`)}`,
        error: `${error.sqlstate}: ${error.message}`,
        hint: error.hint ? m.text(inline(error.hint)) : null,
      },
    ];
  });
}

/**
 * The locks a step held. Unmeasured ones (a failed migration, one run statement by statement)
 * show the plan's prediction instead, marked as such.
 */
function describeLocks(step: ReportStep, migration: PlannedMigration | undefined, m: ReportMarkup): string {
  const describe = (locks: RelationLock[]) => locks.map((lock) => describeLock(lock, m)).join(m.lineBreak);
  if (step.locks_measured) return step.locks.length === 0 ? "none" : describe(step.locks);
  const why = step.status === "failed" ? "failed" : migration?.transaction.mode === "statements" ? "run statement by statement" : "";
  const predicted = migration && migration.locks.length > 0 ? `; predicted:${m.lineBreak}${describe(migration.locks)}` : "";
  return `not measured${why ? ` (${why})` : ""}${predicted}`;
}

function describeLock(lock: RelationLock, m: ReportMarkup): string {
  const effect = lockEffects[lock.mode];
  return `${m.code(lock.relation)} ${effect ? `${m.strong(m.text(lock.mode))} (${effect})` : m.text(lock.mode)}`;
}

/** Each check with its status, summary and the numbers it observed. */
export function checksTable(report: Report, m: ReportMarkup, noNumbers: string): ReportTable {
  const rows = report.checks.map((check) => {
    const observed = formatObserved(check.observed);
    return [m.code(check.id), checkMarks[check.status], m.text(check.summary), observed === "" ? noNumbers : m.text(observed)];
  });
  return { columns: ["Check", "Status", "Summary", "Observed"], rows };
}

/** The details of each failed or warning check, titled with its status and id. */
export function checkDetails(report: Report, m: ReportMarkup): ReportList[] {
  return report.checks
    .filter((check) => (check.status === "fail" || check.status === "warn") && check.details.length > 0)
    .map((check) => ({ title: m.strong(`${checkMarks[check.status]} ${m.code(check.id)}`), items: check.details.map(m.text) }));
}

/** "1 ❌ fail (`fk.orphans`) · 0 ⚠️ warn · 9 ✅ pass · 1 ⏭ skip": failures first, and named. */
export function countChecks(report: Report, m: ReportMarkup): string {
  return checkOrder
    .map((status) => {
      const matching = report.checks.filter((check) => check.status === status);
      const named =
        (status === "fail" || status === "warn") && matching.length > 0 ? ` (${listed(matching.map((check) => m.code(check.id)))})` : "";
      return `${formatNumber(matching.length)} ${checkMarks[status]}${named}`;
    })
    .join(" · ");
}

/** The first sentence of the rollback drill: its status, how long it took, what it proves. */
export function describeRollback(drill: RollbackDrill, m: ReportMarkup): string {
  const duration = drill.duration_ms ? ` in ${formatDuration(drill.duration_ms)}` : "";
  return (
    `${m.strong(rollbackMarks[drill.status])}${duration}. The down migrations, run in reverse, must restore the catalog as it was before; ` +
    "the ups, run again, must restore it as it was after."
  );
}

/**
 * The catalog differences the drill found, one list per direction; `null` when it compared no
 * catalogs, an empty array when it compared them and found none.
 */
export function rollbackDifferences(drill: RollbackDrill, m: ReportMarkup): ReportList[] | null {
  const differences = drill.differences;
  if (!differences) return null;
  const lists = [
    { title: "Differences after the downs (against the catalog before):", items: differences.after_down },
    { title: "Differences after the ups again (against the catalog after):", items: differences.after_up },
  ];
  return lists
    .filter((list) => list.items.length > 0)
    .map((list) => ({ title: list.title, items: list.items.map((difference) => describeDifference(difference, m)) }));
}

function describeDifference(difference: SnapshotDifference, m: ReportMarkup): string {
  const what = `${m.text(difference.kind)} ${m.code(difference.name)}`;
  if (difference.change === "missing") return `${what} is missing`;
  if (difference.change === "extra") return `${what} is extra`;
  const values = `${compactJson(difference.before, m)} → ${compactJson(difference.after, m)}`;
  return `${what} changed${difference.attribute ? ` ${m.code(difference.attribute)}` : ""}: ${values}`;
}

function compactJson(value: unknown, m: ReportMarkup): string {
  const text = value === undefined ? "absent" : JSON.stringify(value);
  return m.code(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}

/** The before/after counts with their change. */
export function statsTable(report: Report): ReportTable {
  const { before, after } = report.stats;
  const rows = statRows.map(([key, label]) => {
    const format = key === "size_bytes" ? formatBytes : formatNumber;
    return [label, format(before[key]), format(after[key]), formatDelta(after[key] - before[key], format)];
  });
  return { columns: ["", "Before", "After", "Change"], rows, align: " rrr" };
}

/** The lint findings not suppressed, errors first; `summary` is empty when there is none. */
export function lintTable(report: Report, m: ReportMarkup): ReportTable & { summary: string } {
  const shown = bySeverity(report.lint.filter((finding) => !finding.suppressed));
  const rows = shown.map((finding) => [
    severityMarks[finding.severity],
    m.code(finding.rule),
    m.code(`${finding.file}:${finding.line}:${finding.column}`),
    m.text(finding.message),
  ]);
  const summary = shown.length > 0 ? `${countSeverities(shown)}${suppressedNote(report, m)}.` : "";
  return { columns: ["Severity", "Rule", "Location", "Message"], rows, summary };
}

/** "No lint finding; 2 more suppressed…": what the lint section says when it has no row. */
export function noLintFinding(report: Report, m: ReportMarkup): string {
  return `No lint finding${suppressedNote(report, m)}.`;
}

function suppressedNote(report: Report, m: ReportMarkup): string {
  const suppressed = report.lint.filter((finding) => finding.suppressed);
  if (suppressed.length === 0) return "";
  const byRule = new Map<string, number>();
  for (const finding of suppressed) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1);
  const rules = [...byRule].map(([rule, count]) => `${rule} ${formatNumber(count)}`).join(", ");
  return `; ${formatNumber(suppressed.length)} more suppressed with ${m.code("-- drydock:allow")} (${m.text(rules)})`;
}

/** The plan findings (SPEC §5), errors first; `summary` is empty when there is none. */
export function planFindingsTable(report: Report, m: ReportMarkup): ReportTable & { summary: string } {
  const findings = bySeverity(report.plan.findings);
  const rows = findings.map((finding) => [
    severityMarks[finding.severity],
    m.text(finding.kind),
    m.text(finding.version),
    m.code(`${finding.file}:${finding.line}:${finding.column}`),
    m.text(finding.message),
  ]);
  return {
    columns: ["Severity", "Kind", "Migration", "Location", "Message"],
    rows,
    summary: rows.length > 0 ? `${countSeverities(findings)}.` : "",
  };
}

/** Where and when it ran: target, sandbox, plan hash, tool version, times. */
export function environmentTable(report: Report, m: ReportMarkup): ReportTable {
  const { sandbox } = report;
  const rows = [
    ["Kind", m.text(report.kind)],
    ["Environment", m.text(report.env)],
    ["Target", m.text(`${report.target.engine} ${report.target.server_version}`)],
    ["URL", m.code(report.target.url_redacted)],
  ];
  if (sandbox.description !== "" || sandbox.kind !== "") {
    const baseline =
      sandbox.baseline.length === 0 ? "none" : `${plural(sandbox.baseline.length, "migration")} (${spanOf(sandbox.baseline)})`;
    rows.push(["Sandbox", m.text(`${sandbox.description || sandbox.kind}; baseline: ${baseline}; ${sandbox.kept ? "kept" : "removed"}`)]);
  }
  rows.push(
    ["Plan hash", m.code(report.plan.hash)],
    ["drydock", m.text(report.tool.version)],
    ["Started", m.text(formatTimestamp(report.started_at))],
    ["Finished", m.text(formatTimestamp(report.finished_at))],
    ["Duration", formatDuration(report.duration_ms)],
  );
  return { columns: ["", ""], rows };
}

/** How long each stage of the run took and its share of the whole. */
export function stagesTable(report: Report, m: ReportMarkup): ReportTable {
  const rows = report.stages.map((stage) => [
    m.text(stage.name),
    formatDuration(stage.duration_ms),
    report.duration_ms > 0 ? `${Math.round((stage.duration_ms / report.duration_ms) * 100)} %` : "",
  ]);
  return { columns: ["Stage", "Duration", "Share"], rows, align: " rr" };
}

function countSeverities(findings: readonly { severity: "error" | "warning" | "info" }[]): string {
  const counts = severityOrder.map((severity) => findings.filter((finding) => finding.severity === severity).length);
  return `${plural(counts[0] ?? 0, "error")}, ${plural(counts[1] ?? 0, "warning")}, ${formatNumber(counts[2] ?? 0)} info`;
}

function bySeverity<T extends { severity: "error" | "warning" | "info" }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity));
}
