import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();

forEachEngine("an applied migration edited afterwards", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("is reported by status and refused by apply until restored", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_users.sql": "CREATE TABLE users (id int);\n",
      "migrations/0002_posts.sql": "CREATE TABLE posts (id int);\n",
    });
    expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
    const original = "CREATE TABLE users (id int);\n";
    // Line endings alone do not count as an edit.
    await writeFile(join(dir, "migrations/0001_users.sql"), original.replace("\n", "\r\n"));
    expect((await runDrydock(["status", "--dir", dir, "--url", target.url])).code).toBe(0);

    await writeFile(join(dir, "migrations/0001_users.sql"), "CREATE TABLE users (id bigint);\n");
    await writeFile(join(dir, "migrations/0003_tags.sql"), "CREATE TABLE tags (id int);\n");
    const status = await runDrydock(["status", "--dir", dir, "--url", target.url, "--json"]);
    expect(status.code).toBe(1);
    const states = JSON.parse(status.stdout).migrations.map((entry: { version: string; state: string }) => [entry.version, entry.state]);
    expect(states).toEqual([
      ["0001", "changed"],
      ["0002", "applied"],
      ["0003", "pending"],
    ]);

    const refused = await runDrydock(["apply", "--dir", dir, "--url", target.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("migration 0001 (migrations/0001_users.sql) was edited after it was applied");
    expect(refused.stderr).toContain("hint:");
    expect(await target.query("SELECT 1 FROM pg_class WHERE relname = 'tags'")).toEqual([]);

    await writeFile(join(dir, "migrations/0001_users.sql"), original);
    expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
  });
});
