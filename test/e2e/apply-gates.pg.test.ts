import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApplyResult } from "../../src/model/apply-result.js";
import { runDrydock } from "../support/cli.js";
import { useTempProjects, writeFiles } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const config = `
[env.staging]
url = "\${STAGING_URL}"

[env.production]
url = "\${PRODUCTION_URL}"
require_rehearsal = "staging"
require_approval = true
`;

const files = {
  "drydock.toml": config,
  "migrations/001_accounts.sql": "CREATE TABLE public.accounts (id int PRIMARY KEY, name text);\n",
  "migrations/001_accounts.down.sql": "DROP TABLE public.accounts;\n",
};
const next = {
  "migrations/002_email.sql": "ALTER TABLE public.accounts ADD COLUMN email text;\n",
  "migrations/002_email.down.sql": "ALTER TABLE public.accounts DROP COLUMN email;\n",
};

describe("apply gates: require_rehearsal and require_approval", () => {
  const makeProject = useTempProjects();
  let staging: TestDatabase;
  let production: TestDatabase;
  let evidence: string;
  let environment: Record<string, string>;
  beforeEach(async () => {
    staging = await createTestDatabase();
    production = await createTestDatabase();
    evidence = await mkdtemp(join(tmpdir(), "drydock-evidence-"));
    environment = { STAGING_URL: staging.url, PRODUCTION_URL: production.url };
  });
  afterEach(async () => {
    await Promise.all([staging.drop(), production.drop()]);
    await rm(evidence, { recursive: true, force: true });
  });

  const drydock = (root: string, ...args: string[]) =>
    runDrydock([...args, "--dir", root, "--evidence-dir", evidence, "--json"], environment);
  async function applyProduction(root: string) {
    const run = await drydock(root, "apply", "--env", "production", "--by", "carol");
    return { run, result: JSON.parse(run.stdout) as ApplyResult };
  }

  it("blocks production until staging rehearsed this very plan to GO and someone approved it; a changed plan needs a new approval", async () => {
    const root = await makeProject(files);
    for (const db of [staging, production]) {
      const run = await runDrydock(["apply", "--dir", root, "--url", db.url, "--no-verify", "--evidence-dir", evidence], environment);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
    await writeFiles(root, next);

    const first = await applyProduction(root);
    expect(first.run.code).toBe(1);
    expect(first.result.blocked).toEqual([
      expect.stringMatching(/^gate\.require_rehearsal: /),
      expect.stringMatching(/^gate\.require_approval: /),
    ]);
    expect(first.run.stderr).toContain("nothing was applied");
    expect(await production.query("SELECT version FROM drydock.migrations")).toHaveLength(1);

    const rehearsal = await drydock(root, "rehearse", "--env", "staging");
    expect(rehearsal.code).toBe(0);
    const second = await applyProduction(root);
    expect(second.result.blocked).toEqual([expect.stringMatching(/^gate\.require_approval: /)]);
    const hash = second.result.plan_hash;
    expect(second.result.blocked?.[0]).toContain(`drydock approve --plan ${hash}`);

    const approval = await runDrydock(
      ["approve", "--dir", root, "--plan", hash, "--env", "production", "--by", "alice", "--note", "CAB-42"],
      environment,
    );
    expect(approval.code).toBe(0);
    // The plan changes after the approval: a new plan hash needs its own rehearsal and approval.
    await writeFiles(root, { "migrations/002_email.sql": "ALTER TABLE public.accounts ADD COLUMN email text NOT NULL DEFAULT '';\n" });
    const changed = await applyProduction(root);
    expect(changed.result.plan_hash).not.toBe(hash);
    expect(changed.result.blocked).toEqual([
      expect.stringMatching(/^gate\.require_rehearsal: /),
      expect.stringMatching(/^gate\.require_approval: /),
    ]);

    await writeFiles(root, next);
    const approved = await applyProduction(root);
    expect({ code: approved.run.code, blocked: approved.result.blocked }).toEqual({ code: 0, blocked: null });
    expect(approved.result.applied.map((step) => step.version)).toEqual(["002"]);
    expect(approved.result.gates.map((gate) => [gate.id, gate.status])).toEqual([
      ["gate.require_rehearsal", "pass"],
      ["gate.require_approval", "pass"],
      ["gate.window", "skip"],
    ]);
    const runs = await production.query<{ command: string; outcome: string; actor: string }>(
      "SELECT command, outcome, actor FROM drydock.runs WHERE command IN ('approve', 'apply') ORDER BY id",
    );
    expect(runs.at(-1)).toEqual({ command: "apply", outcome: "applied", actor: "carol" });
    expect(runs.some((entry) => entry.command === "approve" && entry.actor === "alice")).toBe(true);
  });

  it("keeps the plan hash of a database drydock never touched when approve creates its own schema there", async () => {
    const root = await makeProject(files);
    const planProduction = () => runDrydock(["plan", "--dir", root, "--env", "production", "--json"], environment);
    const planned = await planProduction();
    expect(planned.code).toBe(0);
    const { hash } = JSON.parse(planned.stdout) as { hash: string };

    const rehearsal = await drydock(root, "rehearse", "--env", "staging");
    expect(rehearsal.code).toBe(0);
    const approval = await runDrydock(["approve", "--dir", root, "--plan", hash, "--env", "production", "--by", "alice"], environment);
    expect(approval.code).toBe(0);
    expect(await production.query("SELECT count(*)::int AS approvals FROM drydock.approvals")).toEqual([{ approvals: 1 }]);

    const again = await planProduction();
    expect((JSON.parse(again.stdout) as { hash: string }).hash).toBe(hash);
    const applied = await applyProduction(root);
    expect({ code: applied.run.code, blocked: applied.result.blocked, hash: applied.result.plan_hash }).toEqual({
      code: 0,
      blocked: null,
      hash,
    });
    expect(applied.result.applied.map((step) => step.version)).toEqual(["001"]);
  });
});
