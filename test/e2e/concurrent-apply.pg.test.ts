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

const migrations: Record<string, string> = {};
for (let i = 1; i <= 6; i++) {
  const version = String(i).padStart(4, "0");
  // pg_sleep keeps the first apply busy long enough for the second to meet its lock.
  migrations[`migrations/${version}_step_${i}.sql`] = `CREATE TABLE step_${i} (id int);\nSELECT pg_sleep(0.3);\n`;
}

it("two applies started at once apply every migration exactly once", async () => {
  const dir = await project(migrations);
  const first = spawnDrydock(["apply", "--dir", dir, "--url", db.url, "--json"]);
  const second = spawnDrydock(["apply", "--dir", dir, "--url", db.url, "--json"]);
  const [a, b] = await Promise.all([first.done, second.done]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(`${a.stderr}${b.stderr}`).not.toMatch(/error/i);
  const appliedByEach = [a, b].map((run) => JSON.parse(run.stdout).applied.length as number);
  expect(appliedByEach.reduce((sum, count) => sum + count, 0)).toBe(6);
  expect(`${a.stderr}${b.stderr}`).toContain("waiting for the drydock lock");
  const history = await db.query<{ version: string }>("SELECT version FROM drydock.migrations ORDER BY version");
  expect(history.map((row) => row.version)).toEqual(["0001", "0002", "0003", "0004", "0005", "0006"]);
});

it("gives up after lock_wait with exit 3, naming the session that holds the lock", async () => {
  const dir = await project({
    "drydock.toml": '[apply]\nlock_wait = "1s"\n',
    "migrations/0001_a.sql": "CREATE TABLE a (id int);\n",
  });
  await db.exec("SET application_name = 'release-bot on ci-7'; SELECT pg_advisory_lock(1685223780, 1)");
  const blocked = await spawnDrydock(["apply", "--dir", dir, "--url", db.url]).done;
  expect(blocked.code).toBe(3);
  expect(blocked.stderr).toContain("another apply holds the drydock lock");
  expect(blocked.stderr).toContain("release-bot on ci-7");
  expect(blocked.stderr).toMatch(/server pid \d+/);
  expect(await db.query("SELECT 1 FROM pg_class WHERE relname = 'a'")).toEqual([]);
});
