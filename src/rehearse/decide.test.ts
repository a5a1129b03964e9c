import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import type { CheckResult } from "../model/check.js";
import type { ReportStep, RollbackDrill } from "../model/report.js";
import { type DecideInput, decide } from "./decide.js";

const gates = configSchema.parse({}).gates;
const pass: RollbackDrill = { status: "pass", details: ["restored"] };
const check = (id: string, status: CheckResult["status"], summary = "numbers"): CheckResult => ({
  id,
  status,
  summary,
  observed: {},
  details: [],
});
const step = (version: string, extra: Partial<ReportStep> = {}): ReportStep => ({
  version,
  name: `m${version}`,
  status: "applied",
  duration_ms: 5,
  locks: [],
  locks_measured: true,
  changes: { created: [], altered: [], dropped: [] },
  predicted_mismatch: [],
  error: null,
  ...extra,
});
const input = (extra: Partial<DecideInput> = {}): DecideInput => ({
  findings: [],
  lint: [],
  steps: [step("1"), step("2")],
  checks: [check("rls.enabled", "pass"), check("fk.orphans", "pass")],
  rollback: pass,
  gates,
  ...extra,
});

describe("decide", () => {
  it("lists the server's warnings as reasons to look", () => {
    const warned = step("2", { server_warnings: ["orders.total will be dropped next release"] });
    expect(decide(input({ steps: [step("1"), warned] }))).toEqual({
      verdict: "GO",
      reasons: ["migration 2: the server warned: orders.total will be dropped next release"],
      risk: "medium",
    });
  });

  it("does not call a rename a drop: the catalog sees one, the plan knows better", () => {
    const renaming = step("2", {
      changes: { created: ["column public.t.remark"], altered: [], dropped: ["column public.t.note", "column public.t.old"] },
    });
    const decision = decide(input({ steps: [step("1"), renaming], renamedFrom: new Map([["2", new Set(["column public.t.note"])]]) }));
    expect(decision.reasons).toEqual(["migration 2 dropped column public.t.old"]);
  });

  it("lists data the downs changed but did not lose as a reason to look, not a NO-GO", () => {
    const changed = "after the downs, the data of public.orgs differs in column updated_at (3 rows before and after; no value lost)";
    expect(decide(input({ rollback: { ...pass, warnings: [changed] } }))).toEqual({
      verdict: "GO",
      reasons: [`rollback drill: ${changed}`],
      risk: "medium",
    });
  });

  it("says GO at low risk with the numbers when nothing is wrong", () => {
    expect(decide(input())).toEqual({
      verdict: "GO",
      reasons: ["2 migrations applied, 2 of 2 checks passed, rollback drill pass"],
      risk: "low",
    });
  });

  it("says NO-GO for each blocking cause, naming it", () => {
    const decision = decide(
      input({
        findings: [
          {
            kind: "ordering-violation",
            severity: "error",
            file: "m/2.sql",
            line: 3,
            column: 5,
            message: "x is created later",
            version: "2",
          },
        ],
        steps: [
          step("1"),
          step("2", {
            status: "failed",
            error: { sqlstate: "23505", message: "could not create unique index", file: "m/2.sql", line: 4, column: 1, hint: null },
          }),
        ],
        checks: [check("rls.isolation", "fail", "org 1 sees 3 rows of other tenants")],
        rollback: { status: "fail", details: ["after the downs: column public.t.x is extra"] },
      }),
    );
    expect(decision.verdict).toBe("NO-GO");
    expect(decision.risk).toBe("high");
    expect(decision.reasons).toEqual([
      "plan: ordering-violation at m/2.sql:3:5: x is created later",
      "migration 2 m2 failed at m/2.sql:4:1: could not create unique index (23505)",
      "check rls.isolation failed: org 1 sees 3 rows of other tenants",
      "rollback drill failed: after the downs: column public.t.x is extra",
    ]);
  });

  it("blocks on lint findings above gates.max_lint_severity only", () => {
    const finding = { rule: "drop-column", file: "m/1.sql", line: 1, column: 1, message: "drops a column", suppressed: false };
    expect(decide(input({ lint: [{ ...finding, severity: "warning" }] }))).toMatchObject({ verdict: "GO", risk: "medium" });
    expect(decide(input({ lint: [{ ...finding, severity: "error" }] })).verdict).toBe("NO-GO");
    expect(decide(input({ lint: [{ ...finding, severity: "error", suppressed: true }] })).verdict).toBe("GO");
    expect(decide(input({ lint: [{ ...finding, severity: "warning" }], gates: { ...gates, max_lint_severity: "info" } })).verdict).toBe(
      "NO-GO",
    );
  });

  it("lets an irreversible drill through unless gates.require_reversible", () => {
    const irreversible: RollbackDrill = { status: "irreversible", details: ["2 m2 has no down migration"] };
    expect(decide(input({ rollback: irreversible }))).toMatchObject({ verdict: "GO", risk: "medium" });
    const strict = decide(input({ rollback: irreversible, gates: { ...gates, require_reversible: true } }));
    expect(strict.verdict).toBe("NO-GO");
    expect(strict.reasons[0]).toContain("gates.require_reversible");
  });

  it("raises the risk for warnings, surprises and strong locks on tables with rows", () => {
    const locked = step("1", { locks: [{ relation: "public.orders", mode: "AccessExclusiveLock" }] });
    expect(decide(input({ steps: [locked], populatedBefore: new Set(["public.orders"]) })).reasons).toEqual([
      "migration 1 held ACCESS EXCLUSIVE on public.orders, which holds rows: reads and writes wait for it",
    ]);
    expect(decide(input({ steps: [locked], populatedBefore: new Set() })).risk).toBe("low");
    expect(decide(input({ checks: [check("fk.indexed", "warn", "1 foreign key without index")] })).reasons).toEqual([
      "check fk.indexed warns: 1 foreign key without index",
    ]);
    expect(
      decide(input({ steps: [step("1", { predicted_mismatch: ["created table public.x, which the plan did not predict"] })] })).risk,
    ).toBe("medium");
  });
});
