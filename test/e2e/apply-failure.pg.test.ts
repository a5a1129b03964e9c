import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();

const migrations = {
  "migrations/0001_accounts.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n",
  "migrations/0002_profiles.sql": [
    "-- profiles for accounts",
    "CREATE TABLE profiles (account_id bigint REFERENCES accounts (id));",
    "INSERT INTO accounts VALUES (1, 'a@example.com');",
    "UPDATE accounts SET email = emali WHERE id = 1;",
    "CREATE TABLE never_created (id int);",
    "",
  ].join("\n"),
  "migrations/0003_later.sql": "CREATE TABLE later (id int);\n",
};

forEachEngine("a migration failing in the middle", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("keeps earlier migrations, leaves nothing of the failing one, and names file:line:column", async () => {
    target = await newTarget();
    const dir = await project(migrations);
    const run = await runDrydock(["apply", "--dir", dir, "--url", target.url, "--json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.applied.map((step: { version: string }) => step.version)).toEqual(["0001"]);
    expect(result.failed).toMatchObject({
      version: "0002",
      file: "migrations/0002_profiles.sql",
      line: 4,
      column: 29,
      sqlstate: "42703",
      condition: "undefined_column",
      partially_applied: false,
    });
    expect(result.skipped).toContainEqual({ version: "0003", name: "later", reason: "not run: migration 0002 failed" });
    expect(run.stderr).toContain("migrations/0002_profiles.sql:4:29");
    expect(run.stderr).toContain('column "emali" does not exist (42703 undefined_column)');

    const tables = await target.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1",
    );
    expect(tables.map((table) => table.name)).toEqual(["accounts"]);
    const [accounts] = await target.query<{ count: string }>("SELECT count(*) FROM accounts");
    expect(Number(accounts?.count)).toBe(0);
    const history = await target.query<{ version: string }>("SELECT version FROM drydock.migrations ORDER BY version");
    expect(history.map((row) => row.version)).toEqual(["0001"]);
    const [run1] = await target.query<{ outcome: string }>("SELECT outcome FROM drydock.runs");
    expect(run1?.outcome).toBe("failed");
  });

  it("locates an error without a position at its statement, after non-ASCII text", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_straße.sql": [
        'CREATE TABLE "Straße" (ñame text PRIMARY KEY); -- ünïcödé',
        "INSERT INTO \"Straße\" VALUES ('x');",
        "  INSERT INTO \"Straße\" VALUES ('x');",
        "",
      ].join("\n"),
    });
    const run = await runDrydock(["apply", "--dir", dir, "--url", target.url, "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).failed).toMatchObject({ line: 3, column: 3, sqlstate: "23505", condition: "unique_violation" });
    expect(await target.query("SELECT 1 FROM pg_class WHERE relname = 'Straße'")).toEqual([]);
  });

  it("refuses CONCURRENTLY inside the file's own BEGIN … COMMIT before applying anything", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_ok.sql": "CREATE TABLE ok (id int);\n",
      "migrations/0002_block.sql": "BEGIN;\nCREATE INDEX CONCURRENTLY ok_id ON ok (id);\nCOMMIT;\n",
    });
    const run = await runDrydock(["apply", "--dir", dir, "--url", target.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("migrations/0002_block.sql:2:1");
    expect(run.stderr).toContain("CREATE INDEX CONCURRENTLY inside the file's own transaction block cannot run");
    expect(await target.query("SELECT 1 FROM pg_class WHERE relname = 'ok'")).toEqual([]);
  });

  it("stops on a syntax error before applying anything", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_ok.sql": "CREATE TABLE ok (id int);\n",
      "migrations/0002_typo.sql": "CREATE TABLE t (id int);\nCREAT TABLE u (id int);\n",
    });
    const run = await runDrydock(["apply", "--dir", dir, "--url", target.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("migrations/0002_typo.sql:2:1");
    expect(run.stderr).toContain('syntax error at or near "CREAT"');
    expect(await target.query("SELECT 1 FROM pg_class WHERE relname = 'ok'")).toEqual([]);
  });
});
