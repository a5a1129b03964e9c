import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();

interface StatusLine {
  version: string;
  state: string;
}

async function states(dir: string, url: string): Promise<string[][]> {
  const status = await runDrydock(["status", "--dir", dir, "--url", url, "--json"]);
  return JSON.parse(status.stdout).migrations.map((entry: StatusLine) => [entry.version, entry.state]);
}

forEachEngine("drydock repair", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("accepts an edited file, marks a hotfix applied and forgets a migration, each in the audit log", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_users.sql": "CREATE TABLE users (id int);\n",
      "migrations/0002_posts.sql": "CREATE TABLE posts (id int);\n",
    });
    expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);

    // An edit that changes nothing that ran: apply refuses it until it is accepted.
    await writeFile(join(dir, "migrations/0001_users.sql"), "-- the users of an organization\nCREATE TABLE users (id int);\n");
    const refused = await runDrydock(["apply", "--dir", dir, "--url", target.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("drydock repair --accept-checksum 0001");

    const dryRun = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--accept-checksum", "0001", "--dry-run", "--json"]);
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({
      dry_run: true,
      run_id: null,
      edits: [{ action: "accept-checksum", version: "0001" }],
    });
    expect(await states(dir, target.url)).toEqual([
      ["0001", "changed"],
      ["0002", "applied"],
    ]);

    const accepted = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--accept-checksum", "0001", "--by", "ana"]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/accepted the checksum of 0001 users {2}[0-9a-f]{12}… → [0-9a-f]{12}…/);
    expect(await states(dir, target.url)).toEqual([
      ["0001", "applied"],
      ["0002", "applied"],
    ]);

    // A hotfix made by hand in the database, then written down as a migration: marked applied, not run.
    await writeFile(join(dir, "migrations/0003_tags.sql"), "CREATE TABLE tags (id int);\n");
    const session = await target.open();
    await session.exec("CREATE TABLE tags (id int)");
    await session.close();
    const marked = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--mark-applied", "0003", "--json"]);
    expect(marked.code).toBe(0);
    const markedResult = JSON.parse(marked.stdout);
    expect(markedResult.edits).toEqual([
      {
        action: "mark-applied",
        version: "0003",
        name: "tags",
        file: "migrations/0003_tags.sql",
        checksum_before: null,
        checksum_after: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0); // nothing to run: no "already exists"
    expect(await states(dir, target.url)).toEqual([
      ["0001", "applied"],
      ["0002", "applied"],
      ["0003", "applied"],
    ]);

    // A migration whose file was removed on purpose: forgotten, its table left alone.
    await rm(join(dir, "migrations/0002_posts.sql"));
    expect(await states(dir, target.url)).toContainEqual(["0002", "missing"]);
    const forgotten = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--mark-pending", "0002", "--by", "ana"]);
    expect(forgotten.code).toBe(0);
    expect(await states(dir, target.url)).toEqual([
      ["0001", "applied"],
      ["0003", "applied"],
    ]);
    expect(await target.query("SELECT 1 FROM pg_class WHERE relname = 'posts'")).toHaveLength(1);

    const runs = await target.query<{ command: string; outcome: string; actor: string | null; report: { edits: { action: string }[] } }>(
      "SELECT command, outcome, actor, report FROM drydock.runs WHERE command = 'repair' ORDER BY id",
    );
    expect(runs.map((run) => [run.outcome, run.actor, run.report.edits.map((edit) => edit.action)])).toEqual([
      ["repaired", "ana", ["accept-checksum"]],
      ["repaired", null, ["mark-applied"]],
      ["repaired", "ana", ["mark-pending"]],
    ]);
    const [row] = await target.query<{ run_id: string; applied_by: string }>(
      "SELECT run_id::text, applied_by FROM drydock.migrations WHERE version = '0003'",
    );
    const [markRun] = await target.query<{ id: string }>(
      "SELECT id::text FROM drydock.runs WHERE command = 'repair' ORDER BY id OFFSET 1 LIMIT 1",
    );
    expect(row?.run_id).toBe(markRun?.id);
  });

  it("refuses a request it cannot do and changes nothing, not even the requests before it", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_users.sql": "CREATE TABLE users (id int);\n",
      "migrations/0002_posts.sql": "CREATE TABLE posts (id int);\n",
    });
    expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
    await writeFile(join(dir, "migrations/0003_tags.sql"), "CREATE TABLE tags (id int);\n");
    const before = await states(dir, target.url);

    const cases: [string[], string][] = [
      [["--mark-applied", "0003", "--accept-checksum", "0009"], "no migration file has version 0009"],
      [["--accept-checksum", "0003"], "migration 0003 is not recorded as applied, so it has no checksum to accept"],
      [["--mark-applied", "0003", "--mark-pending", "0003"], "version 0003 is named twice (--mark-applied and --mark-pending)"],
      [[], "drydock repair needs --mark-applied, --mark-pending or --accept-checksum with a version"],
    ];
    for (const [flags, message] of cases) {
      const refused = await runDrydock(["repair", "--dir", dir, "--url", target.url, ...flags]);
      expect(refused.code, flags.join(" ")).toBe(2);
      expect(refused.stderr).toContain(message);
      expect(refused.stderr).toContain("hint:");
    }
    await writeFile(join(dir, "migrations/0001_users.sql"), "CREATE TABLE users (id bigint);\n");
    const twice = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--mark-applied", "0001"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("drydock repair --accept-checksum 0001");

    expect(await states(dir, target.url)).toEqual([["0001", "changed"], ...before.slice(1)]);
    expect(await target.query("SELECT 1 FROM drydock.runs WHERE command = 'repair'")).toEqual([]);

    const noop = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--mark-applied", "0002", "--json"]);
    expect(noop.code).toBe(0);
    expect(JSON.parse(noop.stdout)).toMatchObject({
      edits: [],
      run_id: null,
      unchanged: [{ version: "0002", reason: "already applied with this checksum" }],
    });
    expect(await target.query("SELECT 1 FROM drydock.runs WHERE command = 'repair'")).toEqual([]);
  });

  it("leaves a database drydock never touched as it was after a dry run", async () => {
    target = await newTarget();
    const dir = await project({ "migrations/0001_users.sql": "CREATE TABLE users (id int);\n" });
    const dryRun = await runDrydock(["repair", "--dir", dir, "--url", target.url, "--mark-applied", "0001", "--dry-run", "--json"]);
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout).edits).toMatchObject([{ action: "mark-applied", version: "0001", checksum_before: null }]);
    expect(await target.query("SELECT 1 FROM pg_namespace WHERE nspname = 'drydock'")).toEqual([]);
  });
});
