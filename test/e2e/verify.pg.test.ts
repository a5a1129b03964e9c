import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { takeSnapshot } from "../../src/snapshot/take-snapshot.js";
import { runDrydock } from "../support/cli.js";
import { assertReportContract } from "../support/report-contract.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const saas = join(import.meta.dirname, "..", "..", "examples", "saas");

describe("drydock verify: the suite against a live database, read only", () => {
  let db: TestDatabase;
  let evidence: string;
  beforeEach(async () => {
    db = await createTestDatabase();
    evidence = await mkdtemp(join(tmpdir(), "drydock-evidence-"));
    expect((await runDrydock(["apply", "--dir", saas, "--url", db.url])).code).toBe(0);
    await db.exec(await readFile(join(saas, "seed.sql"), "utf8"));
  });
  afterEach(async () => {
    await db.drop();
    await rm(evidence, { recursive: true, force: true });
  });

  async function verify() {
    const run = await runDrydock(["verify", "--dir", saas, "--url", db.url, "--evidence-dir", evidence, "--json"]);
    const result = JSON.parse(run.stdout) as { report: Report; evidence_dir: string };
    assertReportContract(result.report);
    return { run, ...result };
  }

  it("passes on the example with its seed, changes nothing, and writes a verify evidence package", async () => {
    const before = await takeSnapshot(db.engine, { schemas: ["public", "platform", "drydock"], exactCounts: true });
    const { run, report, evidence_dir } = await verify();
    expect({ code: run.code, verdict: report.decision.verdict, kind: report.kind }).toEqual({ code: 0, verdict: "GO", kind: "verify" });
    expect(report.checks.find((check) => check.id === "rls.isolation")?.status).toBe("pass");
    // What the ten applied migrations create exists; the plan names them.
    expect(report.checks.find((check) => check.id === "objects.expected")).toMatchObject({ status: "pass", observed: { missing: 0 } });
    expect(report.plan.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.plan.migrations.map((entry) => entry.version)).toHaveLength(10);
    expect(existsSync(join(evidence_dir, "report.md"))).toBe(true);
    expect(existsSync(join(evidence_dir, "report.html"))).toBe(true);
    const after = await takeSnapshot(db.engine, { schemas: ["public", "platform", "drydock"], exactCounts: true });
    expect(after.tables).toEqual(before.tables);
    expect(after.statistics.relations.map((relation) => relation.row_count)).toEqual(
      before.statistics.relations.map((relation) => relation.row_count),
    );
  });

  it("fails objects.expected when an object an applied migration creates is gone", async () => {
    await db.exec("DROP INDEX public.subscriptions_plan_id_idx");
    const { run, report } = await verify();
    expect(run.code).toBe(1);
    const check = report.checks.find((entry) => entry.id === "objects.expected");
    expect(check).toMatchObject({ status: "fail", observed: { missing: 1 } });
    expect(check?.details).toEqual(["index public.subscriptions_plan_id_idx (created by 0003) does not exist"]);
  });

  it("fails, exit 1, when live data breaks an invariant", async () => {
    await db.exec(`
      UPDATE public.invoices i SET org_id = (SELECT min(o.id) FROM public.organizations o WHERE o.id <> i.org_id)
       WHERE i.id = (SELECT min(id) FROM public.invoices)`);
    const { run, report } = await verify();
    expect(run.code).toBe(1);
    expect(report.decision.reasons).toEqual([expect.stringMatching(/^check data\.invariants failed: /)]);
  });
});
