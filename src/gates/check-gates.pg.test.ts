import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { useTestDatabase } from "../../test/support/test-database.js";
import type { EnvConfig } from "../config/schema.js";
import { findApprovals, recordApproval } from "../db/approvals.js";
import { InputError } from "../errors/drydock-error.js";
import type { CheckResult } from "../model/check.js";
import { type CheckGatesInput, checkGates } from "./check-gates.js";

const db = useTestDatabase();
const makeFolder = useTempProjects();

const planA = "a".repeat(8) + "1".repeat(56);
const planB = "b".repeat(8) + "2".repeat(56);
const noGates: EnvConfig = { backup: false, require_approval: false };

async function gates(env: Partial<EnvConfig>, options: Partial<CheckGatesInput> = {}): Promise<Record<string, CheckResult>> {
  const results = await checkGates({
    envName: "production",
    env: { ...noGates, ...env },
    planHash: planA,
    evidenceRoot: options.evidenceRoot ?? (await makeFolder({})),
    engine: db.current.engine,
    now: new Date("2026-03-02T14:05:00Z"),
    ...options,
  });
  return Object.fromEntries(results.map((result) => [result.id, result]));
}

interface FakeReport {
  kind?: string;
  env?: string;
  hash?: string;
  verdict?: string;
  reasons?: string[];
  finished_at?: string;
}

/** A hand-written report.json with the keys the rehearsal gate reads (SPEC §9). */
function report(fields: FakeReport): string {
  return JSON.stringify({
    tool: { name: "drydock", version: "0.0.0" },
    kind: fields.kind ?? "rehearsal",
    env: fields.env ?? "staging",
    plan: { hash: fields.hash ?? planA, migrations: [], findings: [] },
    decision: { verdict: fields.verdict ?? "GO", reasons: fields.reasons ?? [], risk: "low" },
    started_at: fields.finished_at ?? "2026-03-01T10:00:00Z",
    finished_at: fields.finished_at ?? "2026-03-01T10:00:00Z",
  });
}

async function evidence(packages: Record<string, string>): Promise<string> {
  const files = Object.fromEntries(Object.entries(packages).map(([folder, text]) => [`${folder}/report.json`, text]));
  return makeFolder(files);
}

describe("checkGates", () => {
  it("skips every gate an environment does not configure", async () => {
    const results = await checkGates({
      envName: "production",
      env: noGates,
      planHash: planA,
      evidenceRoot: join(await makeFolder({}), "missing"),
      engine: db.current.engine,
      now: new Date(),
    });
    expect(results.map((result) => [result.id, result.status])).toEqual([
      ["gate.require_rehearsal", "skip"],
      ["gate.require_approval", "skip"],
      ["gate.window", "skip"],
    ]);
    expect(results[0]?.summary).toBe("env.production.require_rehearsal is not set");
  });

  it("throws a malformed window as bad input naming the key and the file", async () => {
    const failure = gates({ window: "2am-4am", require_approval: true }, { configFile: "ops/drydock.toml" });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow('ops/drydock.toml: env.production.window = "2am-4am" is not a maintenance window');
  });
});

describe("gate.require_approval", () => {
  it("fails without any drydock history, naming the plan and the approve command", async () => {
    const gate = (await gates({ require_approval: true }))["gate.require_approval"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toContain(`plan ${planA.slice(0, 12)}… has no approval for production`);
    expect(gate?.summary).toContain(`drydock approve --plan ${planA} --env production --by <name>`);
    expect(gate?.observed).toMatchObject({ approvals: 0, latest_approved_plan: null });
    expect(await findApprovals(db.current.engine, planA, "production")).toEqual([]);
  });

  it("passes once the plan is approved for the environment", async () => {
    const recorded = await recordApproval(db.current.engine, {
      planHash: planA,
      env: "production",
      approvedBy: "alice",
      note: "reviewed in CR-12",
      osUser: "ci",
      host: "build-7",
    });
    expect(recorded).toMatchObject({ plan_hash: planA, env: "production", approved_by: "alice", note: "reviewed in CR-12" });
    expect(recorded.id).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(recorded.approved_at))).toBe(false);

    const gate = (await gates({ require_approval: true }))["gate.require_approval"];
    expect(gate?.status).toBe("pass");
    expect(gate?.summary).toContain("approved for production by alice");
    expect(gate?.observed).toMatchObject({ approvals: 1, approved_by: ["alice"] });
    expect(gate?.details[0]).toContain("reviewed in CR-12");
  });

  it("needs a new approval when the plan changed after the approval", async () => {
    await recordApproval(db.current.engine, { planHash: planA, env: "production", approvedBy: "alice", osUser: "ci", host: "h" });
    const gate = (await gates({ require_approval: true }, { planHash: planB }))["gate.require_approval"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toContain(`plan ${planB.slice(0, 12)}… has no approval for production`);
    expect(gate?.summary).toContain(`the newest approval for production is for plan ${planA.slice(0, 12)}… (by alice)`);
    expect(gate?.observed).toMatchObject({ approvals: 0, latest_approved_plan: planA });
  });

  it("does not count an approval for another environment", async () => {
    await recordApproval(db.current.engine, { planHash: planA, env: "staging", approvedBy: "bob", osUser: "ci", host: "h" });
    expect((await gates({ require_approval: true }))["gate.require_approval"]?.status).toBe("fail");
    expect(await findApprovals(db.current.engine, planA, "staging")).toHaveLength(1);
  });
});

describe("gate.require_rehearsal", () => {
  const required = { require_rehearsal: "staging" };

  it("fails when no rehearsal exists, with the command to run", async () => {
    const gate = (await gates(required))["gate.require_rehearsal"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toBe(
      `plan ${planA.slice(0, 12)}… needs a GO rehearsal on staging; no rehearsal of staging found among 0 evidence packages. Run drydock rehearse --env staging`,
    );
  });

  it("passes with a GO rehearsal of that environment for the same plan", async () => {
    const root = await evidence({ "20260301T100000Z-staging-rehearsal": report({}) });
    const gate = (await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"];
    expect(gate?.status).toBe("pass");
    expect(gate?.observed).toMatchObject({ evidence: "20260301T100000Z-staging-rehearsal", for_plan: 1, broken: 0 });
  });

  it("passes with a successful apply to that environment", async () => {
    const root = await evidence({ "20260301T100000Z-staging-apply": report({ kind: "apply" }) });
    const gate = (await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"];
    expect(gate?.status).toBe("pass");
    expect(gate?.summary).toContain("passed apply to staging");
  });

  it("fails when the only rehearsal is of another plan, naming it", async () => {
    const root = await evidence({
      "20260301T100000Z-staging-rehearsal": report({ hash: planB, verdict: "NO-GO", finished_at: "2026-03-01T10:00:00Z" }),
      "20260228T100000Z-staging-rehearsal": report({ hash: planB, finished_at: "2026-02-28T10:00:00Z" }),
    });
    const gate = (await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toContain(
      `the newest rehearsal of staging is for plan ${planB.slice(0, 12)}… (NO-GO, 20260301T100000Z-staging-rehearsal)`,
    );
    expect(gate?.summary).toContain("Run drydock rehearse --env staging");
  });

  it("fails when the rehearsal of this plan was NO-GO, with its reason", async () => {
    const root = await evidence({
      "20260301T100000Z-staging-rehearsal": report({ verdict: "NO-GO", reasons: ["check fk.orphans failed"] }),
    });
    const gate = (await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toContain("the newest rehearsal of staging for this plan is NO-GO: check fk.orphans failed");
  });

  it("lets the newest rehearsal of the plan decide: a NO-GO after a GO fails", async () => {
    const root = await evidence({
      "20260301T100000Z-staging-rehearsal": report({ finished_at: "2026-03-01T10:00:00Z" }),
      "20260302T100000Z-staging-rehearsal": report({ verdict: "NO-GO", finished_at: "2026-03-02T10:00:00Z" }),
    });
    expect((await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"]?.status).toBe("fail");
  });

  it("ignores rehearsals of other environments and verify packages", async () => {
    const root = await evidence({
      "20260301T100000Z-dev-rehearsal": report({ env: "dev" }),
      "20260301T100000Z-staging-verify": report({ kind: "verify" }),
    });
    const gate = (await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toContain("no rehearsal of staging found among 2 evidence packages");
  });

  it("skips broken report.json files and counts them", async () => {
    const root = await evidence({
      "20260301T090000Z-staging-rehearsal": "{ not json",
      "20260301T093000Z-staging-rehearsal": JSON.stringify({ kind: "rehearsal", env: "staging" }),
      "20260301T100000Z-staging-rehearsal": report({}),
    });
    const gate = (await gates(required, { evidenceRoot: root }))["gate.require_rehearsal"];
    expect(gate?.status).toBe("pass");
    expect(gate?.observed).toMatchObject({ packages: 3, broken: 2 });
    expect(gate?.details).toEqual([
      "skipped 20260301T090000Z-staging-rehearsal/report.json: not valid JSON",
      "skipped 20260301T093000Z-staging-rehearsal/report.json: no plan.hash",
    ]);
  });
});

describe("gate.window", () => {
  const window = { window: "02:00-04:00 UTC" };

  it("passes inside the window", async () => {
    const gate = (await gates(window, { now: new Date("2026-03-02T02:30:00Z") }))["gate.window"];
    expect(gate?.status).toBe("pass");
    expect(gate?.summary).toBe("inside the maintenance window 02:00-04:00 UTC (now 02:30; it closes in 1h 30m)");
  });

  it("fails outside the window with the next opening", async () => {
    const gate = (await gates(window))["gate.window"];
    expect(gate?.status).toBe("fail");
    expect(gate?.summary).toContain("outside the maintenance window 02:00-04:00 UTC of production (now 14:05 UTC)");
    expect(gate?.summary).toContain("it next opens at 2026-03-03T02:00:00.000Z (in 11h 55m)");
    expect(gate?.observed).toMatchObject({ is_open: false, next_open: "2026-03-03T02:00:00.000Z" });
  });

  it("warns instead with an override, keeping the reason", async () => {
    const gate = (await gates(window, { overrideWindow: "hotfix for incident 4711" }))["gate.window"];
    expect(gate?.status).toBe("warn");
    expect(gate?.summary).toContain("overridden: hotfix for incident 4711");
    expect(gate?.observed).toMatchObject({ override: "hotfix for incident 4711" });
  });

  it("refuses an override without a reason", async () => {
    await expect(gates(window, { overrideWindow: "  " })).rejects.toThrow("overriding the maintenance window needs a reason");
  });
});
