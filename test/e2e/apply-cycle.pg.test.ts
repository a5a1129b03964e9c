import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";

const saas = fileURLToPath(new URL("../../examples/saas", import.meta.url));

forEachEngine("apply → status → apply again", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("applies the example once, reports it applied, and then has nothing to do", async () => {
    target = await newTarget();
    const first = await runDrydock(["apply", "--dir", saas, "--url", target.url, "--json"]);
    expect(first.code).toBe(0);
    const applied = JSON.parse(first.stdout);
    expect(applied.applied.map((step: { version: string }) => step.version)).toEqual([
      "0001",
      "0002",
      "0003",
      "0004",
      "0005",
      "0006",
      "0007",
      "0008",
      "0009",
      "0010",
    ]);
    expect(applied.failed).toBeNull();

    const status = await runDrydock(["status", "--dir", saas, "--url", target.url, "--json"]);
    expect(status.code).toBe(0);
    const states = JSON.parse(status.stdout).migrations.map((entry: { state: string }) => entry.state);
    expect(states).toEqual(Array(10).fill("applied"));

    const second = await runDrydock(["apply", "--dir", saas, "--url", target.url, "--json"]);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toHaveLength(10);
    expect(again.skipped.every((entry: { reason: string }) => entry.reason === "already applied")).toBe(true);

    const runs = await target.query<{ outcome: string }>("SELECT outcome FROM drydock.runs ORDER BY id");
    expect(runs.map((run) => run.outcome)).toEqual(["applied", "nothing-to-do"]);
    const [rls] = await target.query<{ count: string }>(
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity",
    );
    expect(Number(rls?.count)).toBe(8);
  });
});
