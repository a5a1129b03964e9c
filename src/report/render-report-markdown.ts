import type { Report, RollbackDrill } from "../model/report.js";
import { redactUrl } from "../util/redact-url.js";
import { bullets, code, fenced, inline, plural, table } from "./format-report-values.js";
import { renderPlanMermaid } from "./render-plan-graph.js";
import {
  changesTable,
  checkDetails,
  checksTable,
  countChecks,
  describeRollback,
  describeRun,
  describeVerdict,
  environmentTable,
  glanceItems,
  lintTable,
  noLintFinding,
  planFindingsTable,
  type ReportMarkup,
  type ReportTable,
  reportTitle,
  rollbackDifferences,
  stagesTable,
  statsTable,
  stepFailures,
  timelineTable,
} from "./report-content.js";

/** Markdown does not escape the report's text: table cells are made safe by `table`, code by `code`. */
const markdown: ReportMarkup = { text: (plain) => plain, code, strong: (markup) => `**${markup}**`, lineBreak: "\n" };

/**
 * `report.md` of an evidence package (SPEC §9): a release memo a lead reads in two minutes.
 * The verdict and every reason come first, then what changes, the dependency graph (Mermaid),
 * the timeline with the locks each migration held, the checks with the numbers they saw, the
 * rollback drill, the before/after counts, lint and plan findings, and the environment. Pure
 * and deterministic: the same report gives the same bytes; passwords never appear.
 * `renderReportHtml` says the same from the same sentences (report-content.ts).
 */
export function renderReportMarkdown(report: Report): string {
  const sections = [
    renderHeader(report),
    ["## At a glance", "", ...glanceItems(report, markdown).map(([label, value]) => `- **${label}:** ${value}`)],
    renderChanges(report),
    renderTimeline(report),
    renderChecks(report),
    renderRollback(report.rollback),
    ["## Before and after", "", ...markdownTable(statsTable(report))],
    renderLint(report),
    renderPlanFindings(report),
    renderEnvironment(report),
  ];
  return redactUrl(`${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`);
}

function markdownTable({ columns, rows, align }: ReportTable): string[] {
  return table(columns, rows, align);
}

function renderHeader(report: Report): string[] {
  const lines = [`# ${reportTitle(report)}`, "", describeRun(report, markdown), "", `## Verdict: ${describeVerdict(report)}`, ""];
  if (report.decision.reasons.length === 0) lines.push("- No reason was recorded.");
  for (const reason of report.decision.reasons) lines.push(`- ${inline(reason)}`);
  return lines;
}

function renderChanges(report: Report): string[] {
  const lines = ["## What changes", ""];
  if (report.plan.migrations.length === 0) return [...lines, "No migration is planned."];
  lines.push(...markdownTable(changesTable(report, markdown)));
  lines.push("", "### Dependency graph", "", "```mermaid", renderPlanMermaid(report.plan), "```");
  return lines;
}

function renderTimeline(report: Report): string[] {
  const lines = ["## Timeline", ""];
  if (report.steps.length === 0) return [...lines, "No migration ran."];
  lines.push(...markdownTable(timelineTable(report, markdown)));
  for (const failure of stepFailures(report, markdown)) {
    lines.push("", failure.title, "", ...fenced(failure.error));
    if (failure.hint) lines.push("", `Hint: ${failure.hint}`);
  }
  return lines;
}

function renderChecks(report: Report): string[] {
  const lines = ["## Checks", ""];
  if (report.checks.length === 0) return [...lines, "No check ran."];
  lines.push(`${plural(report.checks.length, "check")}: ${countChecks(report, markdown)}`, "");
  lines.push(...markdownTable(checksTable(report, markdown, "_no numbers recorded_")));
  for (const details of checkDetails(report, markdown)) lines.push("", details.title, "", ...bullets(details.items, 20));
  return lines;
}

function renderRollback(drill: RollbackDrill): string[] {
  const lines = ["## Rollback drill", "", describeRollback(drill, markdown)];
  if (drill.details.length > 0) lines.push("", ...bullets(drill.details, 50));
  const differences = rollbackDifferences(drill, markdown);
  if (differences?.length === 0) lines.push("", "No catalog difference after the downs, nor after the ups again.");
  for (const list of differences ?? []) lines.push("", list.title, "", ...bullets(list.items, 50));
  return lines;
}

function renderLint(report: Report): string[] {
  const lines = ["## Lint findings", ""];
  const lint = lintTable(report, markdown);
  if (lint.rows.length === 0) return [...lines, noLintFinding(report, markdown)];
  return [...lines, lint.summary, "", ...markdownTable(lint)];
}

function renderPlanFindings(report: Report): string[] {
  const lines = ["## Plan findings", ""];
  const findings = planFindingsTable(report, markdown);
  if (findings.rows.length === 0) return [...lines, "None: every object is created before it is used."];
  return [...lines, findings.summary, "", ...markdownTable(findings)];
}

function renderEnvironment(report: Report): string[] {
  const lines = ["## Environment", "", ...markdownTable(environmentTable(report, markdown))];
  if (report.stages.length > 0) lines.push("", "### Stage timings", "", ...markdownTable(stagesTable(report, markdown)));
  return lines;
}
