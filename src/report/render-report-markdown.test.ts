import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertReportContract } from "../../test/support/report-contract.js";
import type { Report } from "../model/report.js";
import { formatBytes, formatDuration, formatNumber, formatObserved, tableRow } from "./format-report-values.js";
import { renderReportMarkdown } from "./render-report-markdown.js";

const cases = ["go-rehearsal", "no-go-rehearsal"];
const updateGolden = process.env.UPDATE_GOLDEN === "1";

function fixture(name: string, file: string): URL {
  return new URL(`../../test/fixtures/report-markdown/${name}/${file}`, import.meta.url);
}

function readReport(name: string): Report {
  return JSON.parse(readFileSync(fixture(name, "report.json"), "utf8")) as Report;
}

describe("renderReportMarkdown", () => {
  it.each(cases)("renders %s as its golden report.md (UPDATE_GOLDEN=1 rewrites it)", (name) => {
    const markdown = renderReportMarkdown(readReport(name));
    const golden = fixture(name, "report.md");
    if (updateGolden) writeFileSync(golden, markdown);
    expect(markdown).toBe(readFileSync(golden, "utf8"));
  });

  it.each(cases)("renders %s the same way twice", (name) => {
    expect(renderReportMarkdown(readReport(name))).toBe(renderReportMarkdown(readReport(name)));
  });

  it("puts the verdict and every reason before anything else", () => {
    const report = readReport("no-go-rehearsal");
    const markdown = renderReportMarkdown(report);
    const sections = markdown.split("\n").filter((line) => line.startsWith("## "));
    expect(sections[0]).toBe("## Verdict: ❌ NO-GO · risk high");
    const beforeGlance = markdown.slice(0, markdown.indexOf("## At a glance"));
    for (const reason of report.decision.reasons) expect(beforeGlance).toContain(`- ${reason}`);
  });

  it("never shows a check without the numbers it observed", () => {
    const report = readReport("go-rehearsal");
    const markdown = renderReportMarkdown(report);
    expect(markdown).toContain("| `rls.enabled` | ✅ pass | 14 tables, all with RLS | tables: 14, without_rls: 0, not_forced: 0 |");
    expect(markdown).toContain("rows_before: 1,204,331");
    const silent = { ...report, checks: [{ id: "rls.enabled", status: "pass" as const, summary: "fine", observed: {}, details: [] }] };
    expect(renderReportMarkdown(silent)).toContain("| `rls.enabled` | ✅ pass | fine | _no numbers recorded_ |");
  });

  it("keeps a table row one row whatever the text holds", () => {
    const markdown = renderReportMarkdown(readReport("no-go-rehearsal"));
    expect(markdown).toContain("DROP TABLE public.legacy_payments \\| its 41,220 rows are lost |");
    expect(tableRow(["a|b", "line 1\nline 2", ""])).toBe("| a\\|b | line 1<br>line 2 | — |");
  });

  it("shows where a step failed, with SQLSTATE and hint", () => {
    const markdown = renderReportMarkdown(readReport("no-go-rehearsal"));
    expect(markdown).toContain("**❌ 0013 backfill_invoice_status failed** at `migrations/0013_backfill_invoice_status.sql:4:1`");
    expect(markdown).toContain('23502: column "status" of relation "invoices" contains null values\nDETAIL:');
    expect(markdown).toContain("Hint: Backfill the rows whose legacy_state is NULL before SET NOT NULL.");
  });

  it("lists the catalog differences a failed rollback drill found", () => {
    const report = readReport("go-rehearsal");
    const failed: Report = {
      ...report,
      rollback: {
        status: "fail",
        details: ["0008 add_projects_archived_at: the down left 1 difference"],
        differences: {
          after_down: [
            { kind: "index", name: "public.projects_archived_at_idx", change: "extra" },
            { kind: "column", name: "public.projects.slug", change: "changed", attribute: "not_null", before: true, after: false },
          ],
          after_up: [],
        },
        duration_ms: 1840,
      },
    };
    const section = renderReportMarkdown(failed).split("## Rollback drill")[1]?.split("\n## ")[0] ?? "";
    expect(section).toContain("**❌ fail** in 1.8 s.");
    expect(section).toContain(
      "Differences after the downs (against the catalog before):\n\n- index `public.projects_archived_at_idx` is extra",
    );
    expect(section).toContain("- column `public.projects.slug` changed `not_null`: `true` → `false`");
    expect(section).not.toContain("after the ups again (against");
  });

  it("hides a password even if a report carries one", () => {
    const report = readReport("go-rehearsal");
    const leaky = { ...report, target: { ...report.target, url_redacted: "postgres://app:hunter2@db:5432/app" } };
    const markdown = renderReportMarkdown(leaky);
    expect(markdown).not.toContain("hunter2");
    expect(markdown).toContain("postgres://app:***@db:5432/app");
  });
});

describe("report values", () => {
  it("formats durations, sizes and numbers as a reader says them", () => {
    expect([340, 0.4, 1234, 59_949, 125_000, 3_840_000].map(formatDuration)).toEqual([
      "340 ms",
      "0 ms",
      "1.2 s",
      "59.9 s",
      "2 min 5 s",
      "1 h 4 min",
    ]);
    expect([512, 16_384, 1_468_006, 257_163_264, 1_503_238_553].map(formatBytes)).toEqual(["512 B", "16 kB", "1.4 MB", "245 MB", "1.4 GB"]);
    expect([1204331, -1500, 3.4219, 0.0834, 1234.5].map(formatNumber)).toEqual(["1,204,331", "-1,500", "3.42", "0.0834", "1,235"]);
  });

  it("lists observed values compactly", () => {
    expect(formatObserved({ tables: 24, invalid: [], names: ["a", "b", "c", "d", "e", "f", "g"], nested: { ms: 3.421 }, ok: true })).toBe(
      "tables: 24, invalid: none, names: a, b, c, d, e (+2 more), nested: {ms: 3.42}, ok: yes",
    );
  });
});

describe("report.json contract", () => {
  it.each(cases)("holds for the %s fixture", (name) => {
    expect(() => assertReportContract(readReport(name))).not.toThrow();
  });

  it("rejects a report without a decision, naming what is missing", () => {
    const { decision: _, ...broken } = readReport("go-rehearsal");
    expect(() => assertReportContract(broken)).toThrow(/must have required property 'decision'/);
  });

  it("rejects wrong enum values and a malformed step error", () => {
    const report = readReport("no-go-rehearsal");
    const broken = {
      ...report,
      kind: "dry-run",
      steps: report.steps.map((step) => (step.error ? { ...step, error: { message: step.error.message } } : step)),
    };
    expect(() => assertReportContract(broken)).toThrow(
      /\/kind: must be equal to one of the allowed values \("rehearsal", "apply", "verify"\)/,
    );
    expect(() => assertReportContract(broken)).toThrow(/\/steps\/1\/error/);
  });

  it("accepts extensions", () => {
    expect(() => assertReportContract({ ...readReport("go-rehearsal"), extra: { anything: true } })).not.toThrow();
  });
});
