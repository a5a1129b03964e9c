import { afterEach, describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const makeProject = useTempProjects();
const plan = "0123456789abcdef".repeat(4);

const config = `
[env.production]
url = "\${PROD_URL}"
require_approval = true

[env.staging]
url = "\${PROD_URL}"
`;

forEachEngine("approve → history", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("records an approval and lists it in the history, newest first", async () => {
    target = await newTarget();
    const dir = await makeProject({ "drydock.toml": config, "migrations/.keep": "" });
    const environment = { PROD_URL: target.url };

    const empty = await runDrydock(["history", "--dir", dir, "--env", "production", "--json"], environment);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ runs: [], note: expect.stringContaining("no drydock history") });

    const approveArgs = ["approve", "--dir", dir, "--env", "production", "--plan", plan, "--by", "alice"];
    const first = await runDrydock([...approveArgs, "--note", "reviewed in CR-12", "--json"], environment);
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain("warning");
    const recorded = JSON.parse(first.stdout);
    expect(recorded.approval).toMatchObject({ plan_hash: plan, env: "production", approved_by: "alice", note: "reviewed in CR-12" });
    expect(recorded.warnings).toEqual([]);

    const human = await runDrydock(["approve", "--dir", dir, "--env", "staging", "--plan", plan.toUpperCase(), "--by", "bob"], environment);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`approved plan ${plan.slice(0, 12)}… for staging by bob`);
    expect(human.stderr).toContain("env.staging.require_approval is not set");

    const listed = await runDrydock(["history", "--dir", dir, "--env", "production", "--json"], environment);
    expect(listed.code).toBe(0);
    const { runs } = JSON.parse(listed.stdout);
    expect(runs).toMatchObject([
      { command: "approve", outcome: "approved", env: "staging", actor: "bob", plan_hash: plan, note: null },
      { command: "approve", outcome: "approved", env: "production", actor: "alice", plan_hash: plan, note: "reviewed in CR-12" },
    ]);
    expect(runs[1].id).toBe(recorded.run_id);
    expect(runs[1].finished_at).not.toBeNull();
    expect(typeof runs[1].host).toBe("string");

    const text = await runDrydock(["history", "--dir", dir, "--env", "production", "--limit", "1"], environment);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`approve  approved  plan ${plan.slice(0, 12)}  bob@`);
    expect(text.stdout).not.toContain("alice");

    const rows = await target.query<{ approved_by: string; env: string }>("SELECT approved_by, env FROM drydock.approvals ORDER BY id");
    expect(rows).toEqual([
      { approved_by: "alice", env: "production" },
      { approved_by: "bob", env: "staging" },
    ]);
  });
});

describe("approve and history refuse bad input", () => {
  const cases: [string, string[], RegExp][] = [
    ["approve without --by", ["approve", "--env", "production", "--plan", plan], /needs --by <name>/],
    ["approve with a blank --by", ["approve", "--env", "production", "--plan", plan, "--by", " "], /needs --by <name>/],
    ["approve without --env", ["approve", "--plan", plan, "--by", "alice"], /needs --env <name>/],
    ["approve without --plan", ["approve", "--env", "production", "--by", "alice"], /needs --plan <hash>/],
    [
      "approve with a short hash",
      ["approve", "--env", "production", "--plan", plan.slice(0, 12), "--by", "alice"],
      /is not a full plan hash/,
    ],
    ["approve for an unknown env", ["approve", "--env", "prod", "--plan", plan, "--by", "alice"], /no environment "prod"/],
    ["history with --limit 0", ["history", "--env", "production", "--limit", "0"], /--limit "0" is not a positive whole number/],
  ];

  it.each(cases)("%s exits 2 with a hint", async (_, args, message) => {
    const dir = await makeProject({ "drydock.toml": config, "migrations/.keep": "" });
    // The URL points nowhere: each of these must stop before connecting.
    const result = await runDrydock([...args, "--dir", dir], { PROD_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("hint:");
  });
});
