import { afterEach, beforeEach, expect, it } from "vitest";
import { spawnDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const project = useTempProjects();
let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.drop());

it("after SIGKILL in the middle of a long migration, the next apply finds consistent history and completes", async () => {
  const dir = await project({
    "migrations/0001_first.sql": "CREATE TABLE first (id int);\n",
    "migrations/0002_long.sql": [
      "CREATE TABLE long_one (id int);",
      "INSERT INTO long_one SELECT generate_series(1, 1000);",
      // Slow only while the test's flag table exists, so the second run is quick.
      "SELECT pg_sleep(CASE WHEN to_regclass('public.slow_flag') IS NULL THEN 0 ELSE 60 END);",
      "",
    ].join("\n"),
    "migrations/0003_third.sql": "CREATE TABLE third (id int);\n",
  });
  await db.exec("CREATE TABLE slow_flag ()");
  const victim = spawnDrydock(["apply", "--dir", dir, "--url", db.url]);
  await waitFor(
    async () =>
      (await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(CASE%' AND state = 'active' AND pid <> pg_backend_pid()"))
        .length > 0,
  );
  victim.child.kill("SIGKILL");
  await victim.done;

  // Killed mid-migration: 0001 committed, nothing of 0002.
  const between = await db.query<{ version: string }>("SELECT version FROM drydock.migrations ORDER BY version");
  expect(between.map((row) => row.version)).toEqual(["0001"]);
  expect(await db.query("SELECT 1 FROM pg_class WHERE relname = 'long_one'")).toEqual([]);

  await db.exec("DROP TABLE slow_flag");
  const next = await spawnDrydock(["apply", "--dir", dir, "--url", db.url, "--json"]).done;
  expect(next.code).toBe(0);
  expect(JSON.parse(next.stdout).applied.map((step: { version: string }) => step.version)).toEqual(["0002", "0003"]);
  const [rows] = await db.query<{ count: string }>("SELECT count(*) FROM long_one");
  expect(Number(rows?.count)).toBe(1000);
  const outcomes = await db.query<{ outcome: string }>("SELECT outcome FROM drydock.runs ORDER BY id");
  expect(outcomes.map((run) => run.outcome)).toEqual(["interrupted", "applied"]);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
