import type { Report, RollbackDrill } from "../model/report.js";
import { capped, htmlText, inline, plural } from "./format-report-values.js";
import { renderDependencyGraphSvg, renderStagesSvg, renderTimelineSvg } from "./render-report-charts.js";
import * as content from "./report-content.js";

/** Every piece of report text goes through `htmlText`: passwords hidden, then escaped. */
const html: content.ReportMarkup = {
  text: htmlText,
  code: (plain) => `<code>${htmlText(plain)}</code>`,
  strong: (markup) => `<strong>${markup}</strong>`,
  lineBreak: "<br>",
};

/**
 * The browser may load nothing: no script, font, image or stylesheet from anywhere, even if a
 * future change slipped a reference in. Inline styles and `data:` images stay allowed.
 */
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const styles = `
:root { color-scheme: light; --border: #d1d5db; --muted: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111827; background: #f9fafb; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05rem; margin: 22px 0 8px; }
section { margin: 0; }
.run { color: #374151; margin: 0 0 16px; }
.verdict { border-radius: 10px; padding: 14px 20px; margin: 12px 0 8px; border: 2px solid; }
.verdict h2 { border: 0; margin: 0 0 6px; padding: 0; font-size: 1.5rem; }
.verdict ul { margin: 0; padding-left: 22px; }
.verdict.go { background: #ecfdf5; border-color: #16a34a; }
.verdict.go h2 { color: #166534; }
.verdict.no-go { background: #fef2f2; border-color: #dc2626; }
.verdict.no-go h2 { color: #991b1b; }
ul.glance { padding-left: 20px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; background: #fff; font-size: .9rem; }
th, td { border: 1px solid var(--border); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: #111827; color: #f9fafb; padding: 10px 14px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
.failure { border-left: 4px solid #dc2626; padding: 2px 12px; margin: 14px 0; background: #fff; }
.chart { margin: 10px 0; background: #fff; border: 1px solid var(--border); border-radius: 8px; padding: 10px; overflow: auto; }
.graph { max-height: 80vh; }
.chart svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.graph-svg { margin: 0 auto; }
.chart svg text { fill: #111827; }
.chart svg text.axis, .chart svg text.muted { fill: var(--muted); }
.chart svg text.blocking { fill: #b91c1c; font-weight: 600; }
.chart svg.stages-svg text { fill: #fff; }
.legend { font-size: .8rem; color: var(--muted); margin-top: 6px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: -1px; }
.note, .empty { color: var(--muted); }
`;

/**
 * `report.html` of an evidence package (SPEC §9): the release memo of `report.md`, the same
 * sections in the same order from the same sentences (report-content.ts), as one file a browser
 * opens offline. The verdict is a green or red banner; the dependency graph, the timeline and
 * the stage timings are drawn as inline SVG beside the tables. No script, no link and no URL of
 * any kind; every text of the report is escaped and every password hidden. Pure and
 * deterministic: the same report gives the same bytes.
 */
export function renderReportHtml(report: Report): string {
  const sections = [
    renderVerdict(report),
    section("At a glance", renderGlance(report)),
    section("What changes", renderChanges(report)),
    section("Timeline", renderTimeline(report)),
    section("Checks", renderChecks(report)),
    section("Rollback drill", renderRollback(report.rollback)),
    section("Before and after", htmlTable(content.statsTable(report))),
    section("Lint findings", renderLint(report)),
    section("Plan findings", renderPlanFindings(report)),
    section("Environment", renderEnvironment(report)),
  ];
  const title = htmlText(content.reportTitle(report));
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${styles}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<header><h1>${title}</h1><p class="run">${content.describeRun(report, html)}</p></header>`,
    ...sections,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function section(title: string, body: string): string {
  return `<section>\n<h2>${htmlText(title)}</h2>\n${body}\n</section>`;
}

function paragraph(markup: string, className = ""): string {
  return `<p${className ? ` class="${className}"` : ""}>${markup}</p>`;
}

/** An HTML table; an empty cell shows a dash, as in Markdown. */
function htmlTable({ columns, rows, align = "" }: content.ReportTable): string {
  const cellClass = (index: number) => (align[index] === "r" ? ' class="num"' : "");
  const head = columns.map((column, index) => `<th${cellClass(index)}>${htmlText(column)}</th>`).join("");
  const body = rows.map(
    (row) => `<tr>${row.map((cell, index) => `<td${cellClass(index)}>${cell.trim() === "" ? "—" : cell}</td>`).join("")}</tr>`,
  );
  const thead = columns.some((column) => column !== "") ? `<thead><tr>${head}</tr></thead>\n` : "";
  return `<table>\n${thead}<tbody>\n${body.join("\n")}\n</tbody>\n</table>`;
}

/** A list of markup items, cut after `limit` with a pointer to report.json. */
function htmlList(items: readonly string[], limit: number): string {
  return `<ul>${capped(items, limit)
    .map((item) => `<li>${inline(item)}</li>`)
    .join("")}</ul>`;
}

function titledList(list: content.ReportList, limit: number): string {
  return `${paragraph(list.title)}\n${htmlList(list.items, limit)}`;
}

function renderVerdict(report: Report): string {
  const { decision } = report;
  const verdictClass = decision.verdict === "GO" ? "go" : "no-go";
  const reasons = decision.reasons.length === 0 ? ["No reason was recorded."] : decision.reasons.map((reason) => htmlText(inline(reason)));
  return (
    `<section class="verdict ${verdictClass}">\n` +
    `<h2>Verdict: ${htmlText(content.describeVerdict(report))}</h2>\n` +
    `<ul>${reasons.map((reason) => `<li>${reason}</li>`).join("")}</ul>\n</section>`
  );
}

function renderGlance(report: Report): string {
  const items = content.glanceItems(report, html).map(([label, value]) => `<li><strong>${htmlText(label)}:</strong> ${value}</li>`);
  return `<ul class="glance">${items.join("")}</ul>`;
}

function renderChanges(report: Report): string {
  if (report.plan.migrations.length === 0) return paragraph("No migration is planned.", "empty");
  return `${htmlTable(content.changesTable(report, html))}\n<h3>Dependency graph</h3>\n${renderDependencyGraphSvg(report)}`;
}

function renderTimeline(report: Report): string {
  if (report.steps.length === 0) return paragraph("No migration ran.", "empty");
  const failures = content
    .stepFailures(report, html)
    .map(
      (failure) =>
        `<div class="failure">${paragraph(failure.title)}<pre>${htmlText(failure.error)}</pre>` +
        `${failure.hint ? paragraph(`Hint: ${failure.hint}`) : ""}</div>`,
    );
  return [renderTimelineSvg(report), htmlTable(content.timelineTable(report, html)), ...failures].join("\n");
}

function renderChecks(report: Report): string {
  if (report.checks.length === 0) return paragraph("No check ran.", "empty");
  return [
    paragraph(`${plural(report.checks.length, "check")}: ${content.countChecks(report, html)}`),
    htmlTable(content.checksTable(report, html, "<em>no numbers recorded</em>")),
    ...content.checkDetails(report, html).map((details) => titledList(details, 20)),
  ].join("\n");
}

function renderRollback(drill: RollbackDrill): string {
  const parts = [paragraph(content.describeRollback(drill, html))];
  if (drill.details.length > 0) parts.push(htmlList(drill.details.map(htmlText), 50));
  const differences = content.rollbackDifferences(drill, html);
  if (differences?.length === 0) parts.push(paragraph("No catalog difference after the downs, nor after the ups again."));
  for (const list of differences ?? []) parts.push(titledList(list, 50));
  return parts.join("\n");
}

function renderLint(report: Report): string {
  const lint = content.lintTable(report, html);
  if (lint.rows.length === 0) return paragraph(content.noLintFinding(report, html), "empty");
  return `${paragraph(lint.summary)}\n${htmlTable(lint)}`;
}

function renderPlanFindings(report: Report): string {
  const findings = content.planFindingsTable(report, html);
  if (findings.rows.length === 0) return paragraph("None: every object is created before it is used.", "empty");
  return `${paragraph(findings.summary)}\n${htmlTable(findings)}`;
}

function renderEnvironment(report: Report): string {
  const parts = [htmlTable(content.environmentTable(report, html))];
  if (report.stages.length > 0) parts.push("<h3>Stage timings</h3>", renderStagesSvg(report), htmlTable(content.stagesTable(report, html)));
  return parts.join("\n");
}
