import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runDrydock } from "../support/cli.js";
import { assertReportContract } from "../support/report-contract.js";
import { serverUrl } from "../support/test-database.js";

const examples = join(import.meta.dirname, "..", "..", "examples");

/** Each broken example and the reason its NO-GO must give (examples/broken/README.md). */
const broken: Array<{ name: string; reason: RegExp }> = [
  { name: "ordering-violation", reason: /^plan: ordering-violation at migrations\/0002_tickets\.sql:7:1: / },
  { name: "leaky-policy", reason: /^check rls\.isolation failed: / },
  // Every read is isolated; only the write probes catch the loose WITH CHECK.
  { name: "cross-tenant-write", reason: /^check rls\.isolation failed: .*\(0 rows of other tenants seen, 2 of 8 write probes leaked\)$/ },
  { name: "orphaned-rows", reason: /^check fk\.orphans failed: / },
  { name: "irreversible-down", reason: /^rollback drill failed: .*log_booking_status_change/ },
  { name: "duplicate-unique", reason: /^migration 0004 .* failed at migrations\/0004_members_unique_email\.sql:9:1: .*\(23505\)$/ },
];

for (const engine of ["pglite", "postgres"] as const) {
  describe(`rehearse the examples [${engine}]`, () => {
    let evidence: string;
    beforeEach(async () => {
      evidence = await mkdtemp(join(tmpdir(), "drydock-evidence-"));
    });
    afterEach(async () => rm(evidence, { recursive: true, force: true }));

    async function rehearse(dir: string) {
      // --baseline none: on a feature branch the git baseline would already hold every example migration.
      const args = ["rehearse", "--dir", dir, "--baseline", "none", "--evidence-dir", evidence, "--json"];
      if (engine === "postgres") args.push("--engine", "postgres");
      const run = await runDrydock(args, { DRYDOCK_SANDBOX_URL: serverUrl() });
      const result = JSON.parse(run.stdout) as { report: Report; evidence_dir: string };
      assertReportContract(result.report);
      return { run, ...result };
    }

    it("examples/saas gets GO, with isolation probes that saw their own rows and no other tenant's", async () => {
      const { run, report, evidence_dir } = await rehearse(join(examples, "saas"));
      expect(report.decision.reasons).toEqual(expect.any(Array));
      expect({ code: run.code, verdict: report.decision.verdict }).toEqual({ code: 0, verdict: "GO" });
      expect(report.steps.map((step) => step.status)).toEqual(Array(10).fill("applied"));
      const isolation = report.checks.find((check) => check.id === "rls.isolation");
      expect(isolation?.status).toBe("pass");
      expect(isolation?.observed).toMatchObject({ writes: { ran: 28, refused: 28, leaked: 0, untested: 0, skipped: null } });
      expect(report.checks.find((check) => check.id === "data.invariants")?.status).toBe("pass");
      expect(report.rollback.status).toBe("pass");
      expect(report.checks.find((check) => check.id === "rollback.roundtrip")).toMatchObject({
        status: "pass",
        observed: { drill: "pass", migrations: 10, differences_after_down: 0, differences_after_up: 0 },
      });
      expect(report.stats.after.tables).toBeGreaterThan(report.stats.before.tables);
      for (const file of ["report.json", "report.md", "report.html", "run.log.jsonl", "before.json", "after.json"]) {
        expect(existsSync(join(evidence_dir, file)), file).toBe(true);
      }
      const memo = await readFile(join(evidence_dir, "report.md"), "utf8");
      expect(memo).toContain("GO");
      expect(memo).toContain("```mermaid");
      // The same memo as one page that opens offline: the graph and the timeline drawn, nothing loaded.
      const page = await readFile(join(evidence_dir, "report.html"), "utf8");
      expect(page).toContain('<section class="verdict go">');
      expect(page).toContain('aria-label="Dependency graph of 10 migrations"');
      expect(page).toContain('aria-label="Duration and locks of 10 migrations"');
      for (const step of report.steps) expect(page).toContain(`<title>${step.version} `);
      expect(page).not.toMatch(/https?:\/\/|src=|<link|<script/);
    });

    for (const example of broken) {
      it(`examples/broken/${example.name} gets NO-GO for its reason`, async () => {
        const { run, report } = await rehearse(join(examples, "broken", example.name));
        expect(run.code).toBe(1);
        expect(report.decision.verdict).toBe("NO-GO");
        expect(report.decision.reasons.filter((reason) => example.reason.test(reason))).toHaveLength(1);
      });
    }
  });
}
