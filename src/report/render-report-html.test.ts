import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PlannedMigration } from "../model/plan.js";
import type { Report, ReportStep } from "../model/report.js";
import { formatObserved, htmlText } from "./format-report-values.js";
import { renderReportHtml } from "./render-report-html.js";
import { renderReportMarkdown } from "./render-report-markdown.js";

const cases = ["go-rehearsal", "no-go-rehearsal"];

function readReport(name: string): Report {
  const file = new URL(`../../test/fixtures/report-markdown/${name}/report.json`, import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")) as Report;
}

/** Every report the tests render: both fixtures as rehearsal, apply and verify. */
const reports: [string, Report][] = cases.flatMap((name) =>
  (["rehearsal", "apply", "verify"] as const).map((kind): [string, Report] => [`${name} as ${kind}`, { ...readReport(name), kind }]),
);

const voidElements = new Set(["meta", "br", "link", "img", "hr", "input"]);

/** Checks that every element is closed in order, and returns the element names in document order. */
function assertBalanced(html: string): string[] {
  const stack: string[] = [];
  const opened: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name = "", selfClosing] = match;
    if (closing) {
      expect(stack.pop(), `</${name}> at ${match.index}`).toBe(name);
    } else {
      opened.push(name);
      if (!selfClosing && !voidElements.has(name)) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  return opened;
}

function plainTextOf(text: string): string {
  return text
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function sectionOf(html: string, title: string): string {
  return html.split(`<h2>${title}</h2>`)[1]?.split("</section>")[0] ?? "";
}

function migration(version: string, name: string, requires: string[] = []): PlannedMigration {
  return {
    version,
    name,
    file: `migrations/${version}_${name}.sql`,
    statements: 1,
    inventory: { table: 1 },
    creates: [{ kind: "table", name: `public.${name}` }],
    alters: [],
    drops: [],
    references: [],
    requires,
    locks: [{ relation: `public.${name}`, mode: "AccessExclusiveLock" }],
    reversible: true,
    transaction: { mode: "transaction", reason: "" },
    pending: true,
  };
}

function step(version: string, name: string, durationMs: number): ReportStep {
  return {
    version,
    name,
    status: "applied",
    duration_ms: durationMs,
    locks: [{ relation: `public.${name}`, mode: "AccessExclusiveLock" }],
    locks_measured: true,
    changes: { created: [`table public.${name}`], altered: [], dropped: [] },
    predicted_mismatch: [],
    error: null,
  };
}

/** A report with nothing in it: no migration, no check, no finding, no stage. */
function emptyReport(): Report {
  const report = readReport("go-rehearsal");
  return {
    ...report,
    kind: "verify",
    plan: { hash: report.plan.hash, migrations: [], findings: [], groups: [] },
    steps: [],
    checks: [],
    rollback: { status: "skip", details: [] },
    decision: { verdict: "GO", reasons: [], risk: "low" },
    lint: [],
    stages: [],
    sandbox: { kind: "", description: "", baseline: [], kept: false },
  };
}

describe("renderReportHtml", () => {
  it.each(reports)("renders %s as one well-formed document", (_, report) => {
    const html = renderReportHtml(report);
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.endsWith("</html>\n")).toBe(true);
    const elements = assertBalanced(html);
    expect(html.slice(html.indexOf("<head>"), html.indexOf("</head>")).match(/<title>/g)).toHaveLength(1);
    for (const single of ["html", "head", "body", "main", "style"]) {
      expect(
        elements.filter((element) => element === single),
        single,
      ).toHaveLength(1);
    }
    expect(html.match(/<svg /g)).toHaveLength(3); // the graph, the timeline, the stage timings
    expect(html).toContain('aria-label="Dependency graph of ');
    expect(html).toContain('aria-label="Duration and locks of ');
  });

  it.each(reports)("renders %s without any reference outside the file", (_, report) => {
    const html = renderReportHtml(report);
    for (const external of ["http://", "https://", "src=", "href=", "<link", "<script", "<iframe", "@import", "//cdn"]) {
      expect(html, external).not.toContain(external);
    }
    expect(html.match(/url\([^)]*\)/g) ?? []).toEqual(["url(#drydock-arrow)"]); // the arrowhead defined in the same SVG
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it.each(cases)("gives %s the sections of report.md, in the same order", (name) => {
    const report = readReport(name);
    const markdownSections = renderReportMarkdown(report)
      .split("\n")
      .filter((line) => line.startsWith("## ") || line.startsWith("### "))
      .map((line) => line.replace(/^#+ /, ""));
    const htmlSections = [...renderReportHtml(report).matchAll(/<h[23]>(.*?)<\/h[23]>/g)].map((match) => plainTextOf(match[1] ?? ""));
    expect(htmlSections).toEqual(markdownSections);
  });

  it("puts the verdict banner first, coloured by the verdict, with every reason", () => {
    const noGo = readReport("no-go-rehearsal");
    const html = renderReportHtml(noGo);
    const firstSection = html.slice(html.indexOf("<section"), html.indexOf("</section>"));
    expect(firstSection).toContain('<section class="verdict no-go">');
    expect(firstSection).toContain("<h2>Verdict: ❌ NO-GO · risk high</h2>");
    for (const reason of noGo.decision.reasons) expect(firstSection).toContain(`<li>${htmlText(reason)}</li>`);
    expect(renderReportHtml(readReport("go-rehearsal"))).toContain('<section class="verdict go">\n<h2>Verdict: ✅ GO · risk low</h2>');
  });

  it.each(cases)("shows every migration of %s in the table, the graph and the timeline", (name) => {
    const report = readReport(name);
    const html = renderReportHtml(report);
    const graph = html.slice(html.indexOf('<svg class="graph-svg"'), html.indexOf("</svg>", html.indexOf('<svg class="graph-svg"')));
    const timeline = sectionOf(html, "Timeline");
    for (const { version, name: migrationName } of report.plan.migrations) {
      expect(sectionOf(html, "What changes")).toContain(`<td>${version} ${migrationName}</td>`);
      expect(graph).toContain(`<title>${version} ${migrationName} (`);
    }
    for (const { version, name: stepName } of report.steps) expect(timeline).toContain(`${version} ${stepName}`);
  });

  it.each(cases)("shows every check of %s with its status, summary and observed numbers", (name) => {
    const report = readReport(name);
    const checks = sectionOf(renderReportHtml(report), "Checks");
    for (const check of report.checks) {
      expect(checks).toContain(`<code>${check.id}</code>`);
      expect(checks).toContain(htmlText(check.summary));
      if (Object.keys(check.observed).length > 0) expect(checks).toContain(htmlText(formatObserved(check.observed)));
    }
  });

  it("shows the numbers a check observed, or says it recorded none", () => {
    const report = readReport("go-rehearsal");
    expect(renderReportHtml(report)).toContain(
      "<tr><td><code>rls.enabled</code></td><td>✅ pass</td><td>14 tables, all with RLS</td><td>tables: 14, without_rls: 0, not_forced: 0</td></tr>",
    );
    const silent = { ...report, checks: [{ id: "rls.enabled", status: "pass" as const, summary: "fine", observed: {}, details: [] }] };
    expect(renderReportHtml(silent)).toContain("<td>fine</td><td><em>no numbers recorded</em></td>");
  });

  it("draws the failed step red in the timeline and shows its SQLSTATE, message and hint", () => {
    const html = renderReportHtml(readReport("no-go-rehearsal"));
    const timeline = sectionOf(html, "Timeline");
    expect(timeline).toMatch(/<title>0013 backfill_invoice_status: failed in 48\.2 s; locks not measured<\/title>.*fill="#b91c1c"/);
    expect(timeline).toContain("<title>0014 drop_legacy_billing: not run</title>");
    expect(timeline).toMatch(/class="blocking"[^>]*>96 ms · 2 locks: public\.invoices AccessExclusiveLock, public\.invoice_lines/);
    expect(timeline).toContain("<pre>23502: column &quot;status&quot; of relation &quot;invoices&quot; contains null values\nDETAIL:");
    expect(timeline).toContain("<p>Hint: Backfill the rows whose legacy_state is NULL before SET NOT NULL.</p>");
  });

  it("escapes every text of the report: names, reasons, messages, summaries", () => {
    const report = readReport("no-go-rehearsal");
    const evil = '<script>alert("x")</script>';
    const [first, ...rest] = report.plan.migrations;
    const [firstStep, ...otherSteps] = report.steps;
    if (!first || !firstStep) throw new Error("the fixture has migrations");
    const hostile: Report = {
      ...report,
      env: "<b>prod</b>",
      plan: { ...report.plan, migrations: [{ ...first, name: evil }, ...rest] },
      steps: [{ ...firstStep, name: evil, predicted_mismatch: ["</td></tr><script>x</script>"] }, ...otherSteps],
      decision: { ...report.decision, reasons: ['<img src=x onerror="alert(1)">', ...report.decision.reasons] },
      checks: report.checks.map((check) => ({ ...check, summary: `${check.summary} <iframe>` })),
      lint: report.lint.map((finding) => ({ ...finding, message: `${finding.message} </table>` })),
      stages: [{ name: "<svg onload=alert(1)>", duration_ms: 10 }, ...report.stages],
    };
    const html = renderReportHtml(hostile);
    assertBalanced(html);
    expect(html).not.toMatch(/<script|<img|<iframe|<b>prod|<svg onload/);
    expect(html).toContain(`${first.version} &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;`);
    expect(html).toContain("<title>0012 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (applied");
    expect(html).toContain("<li>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</li>");
    expect(html).toContain("&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(html).toContain("<code>&lt;b&gt;prod&lt;/b&gt;</code>");
  });

  it("hides passwords, also in a query string that escaping would hide from redaction", () => {
    const report = readReport("go-rehearsal");
    const leaky: Report = {
      ...report,
      target: { ...report.target, url_redacted: "postgres://app:hunter2@db:5432/app?sslmode=require&password=swordfish" },
      decision: { ...report.decision, reasons: ["could not reach postgres://ops:letmein@replica/app"] },
    };
    const html = renderReportHtml(leaky);
    expect(html).not.toMatch(/hunter2|swordfish|letmein/);
    expect(html).toContain("<code>postgres://app:***@db:5432/app?sslmode=require&amp;password=***</code>");
  });

  it("says so for every empty section and draws nothing", () => {
    const html = renderReportHtml(emptyReport());
    assertBalanced(html);
    expect(html).not.toContain("<svg");
    expect(sectionOf(html, "At a glance")).toContain("<li><strong>Checks:</strong> none ran</li>");
    expect(html).toContain("<li>No reason was recorded.</li>");
    expect(sectionOf(html, "What changes")).toBe('\n<p class="empty">No migration is planned.</p>\n');
    expect(sectionOf(html, "Timeline")).toBe('\n<p class="empty">No migration ran.</p>\n');
    expect(sectionOf(html, "Checks")).toBe('\n<p class="empty">No check ran.</p>\n');
    expect(sectionOf(html, "Rollback drill")).toContain("<strong>⏭ skip</strong>.");
    expect(sectionOf(html, "Lint findings")).toBe('\n<p class="empty">No lint finding.</p>\n');
    expect(sectionOf(html, "Plan findings")).toContain("None: every object is created before it is used.");
    expect(sectionOf(html, "Environment")).not.toContain("Stage timings");
  });

  it("lists the catalog differences a failed rollback drill found", () => {
    const report = readReport("go-rehearsal");
    const failed: Report = {
      ...report,
      rollback: {
        status: "fail",
        details: ["0008 add_projects_archived_at: the down left 1 difference"],
        differences: { after_down: [{ kind: "index", name: "public.projects_archived_at_idx", change: "extra" }], after_up: [] },
        duration_ms: 1840,
      },
    };
    const drill = sectionOf(renderReportHtml(failed), "Rollback drill");
    expect(drill).toContain("<strong>❌ fail</strong> in 1.8 s.");
    expect(drill).toContain(
      "<p>Differences after the downs (against the catalog before):</p>\n<ul><li>index <code>public.projects_archived_at_idx</code> is extra</li></ul>",
    );
  });

  it("lays the graph out in dependency layers: a migration sits below everything it requires", () => {
    const report = emptyReport();
    const diamond: Report = {
      ...report,
      plan: {
        ...report.plan,
        migrations: [
          migration("0001", "a"),
          migration("0002", "b", ["0001"]),
          migration("0003", "c", ["0001"]),
          migration("0004", "d", ["0002", "0003"]),
        ],
      },
    };
    const html = renderReportHtml(diamond);
    const top = (version: string) => Number(new RegExp(`<title>${version} [^<]*</title><rect x="[\\d.]+" y="([\\d.]+)"`).exec(html)?.[1]);
    expect(top("0001")).toBeLessThan(top("0002"));
    expect(top("0002")).toBe(top("0003"));
    expect(top("0003")).toBeLessThan(top("0004"));
    expect(html.match(/<path d="M[\d.]+ [\d.]+ C/g)).toHaveLength(4); // one arrow per requirement
    expect(html).toContain("requires 0002, 0003)");
  });

  it("keeps a 300-migration plan readable: draws 150, counts the rest", () => {
    const report = emptyReport();
    const versions = Array.from({ length: 300 }, (_, index) => String(index + 1).padStart(4, "0"));
    const large: Report = {
      ...report,
      plan: {
        ...report.plan,
        migrations: versions.map((version, index) => migration(version, `m${index}`, index % 3 === 0 ? [] : [versions[index - 1] ?? ""])),
      },
      steps: versions.map((version, index) => step(version, `m${index}`, 10 + index)),
    };
    const html = renderReportHtml(large);
    assertBalanced(html);
    expect(html.match(/<rect [^>]*rx="5"/g)).toHaveLength(150);
    expect(html).toContain("150 more migrations are not drawn; the table above lists them all.");
    expect(html).toContain("100 more steps are not drawn; the table below lists them all.");
    // 150 migrations in chains of three: three layers of 50, each wrapped six to a row.
    const [width, height] = /<svg class="graph-svg" viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(html)?.slice(1).map(Number) ?? [];
    expect(width).toBe(1430); // six boxes of 220 px, five gaps of 18, margins of 10
    expect(height).toBeLessThan(1400);
    for (const version of versions) expect(sectionOf(html, "What changes")).toContain(`<td>${version} m`);
  });

  it("renders the same report the same way twice", () => {
    expect(renderReportHtml(readReport("no-go-rehearsal"))).toBe(renderReportHtml(readReport("no-go-rehearsal")));
  });
});
