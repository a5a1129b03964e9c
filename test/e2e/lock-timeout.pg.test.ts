import { afterEach, beforeEach, expect, it } from "vitest";
import type { Engine } from "../../src/db/engine.js";
import { openEngine } from "../../src/db/open-engine.js";
import { parseTargetUrl } from "../../src/db/target-url.js";
import { compareSnapshots } from "../../src/snapshot/compare-snapshots.js";
import { takeSnapshot } from "../../src/snapshot/take-snapshot.js";
import { runDrydock, spawnDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const project = useTempProjects();
let db: TestDatabase;
const sessions: Engine[] = [];
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await db.drop();
});

async function openSession(applicationName: string): Promise<Engine> {
  const session = await openEngine(parseTargetUrl(db.url), { applicationName });
  sessions.push(session);
  return session;
}

const files = {
  "drydock.toml": '[apply]\nlock_timeout = "200ms"\nlock_retries = 2\n',
  // The pause lets the long transaction take its lock after the pre-flight, which refuses to start
  // while a session holds a lock that conflicts with the ALTER's, and before the ALTER asks for its own.
  "migrations/0001_add_note.sql": "SELECT pg_sleep(0.5);\nALTER TABLE accounts ADD COLUMN note text;\n",
};

/** Resolves once drydock's session sleeps in the migration, i.e. is past its pre-flight. */
async function untilMigrationSleeps(finished: () => boolean): Promise<void> {
  for (;;) {
    const rows = await db.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'drydock apply %' AND wait_event = 'PgSleep'",
    );
    if (rows.length > 0) return;
    if (finished()) throw new Error("drydock exited before its migration started");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it("gives up on a lock held by a long transaction after its retries, never holding up other queries longer than lock_timeout", async ({
  annotate,
}) => {
  await db.exec(
    "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL DEFAULT 0); INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 1000) g",
  );
  const dir = await project(files);
  const before = await takeSnapshot(db.engine, { schemas: ["public"] });
  const blocker = await openSession("long transaction");
  const workload = await openSession("workload");

  const apply = spawnDrydock(["apply", "--dir", dir, "--url", db.url, "--json", "--no-verify"]);
  let finished = false;
  const done = apply.done.then((run) => {
    finished = true;
    return run;
  });
  await untilMigrationSleeps(() => finished);
  // ACCESS SHARE on accounts until COMMIT: a report query left open.
  await blocker.exec("BEGIN; SELECT id FROM accounts LIMIT 1");
  // Short transactions on the same table, one after the other, while drydock tries: each waits
  // behind drydock's queued ALTER at most until its lock_timeout ends that attempt.
  const latencies: number[] = [];
  for (let i = 0; !finished; i++) {
    const id = (i % 1000) + 1;
    const started = performance.now();
    await workload.exec(
      `BEGIN; SELECT balance FROM accounts WHERE id = ${id} FOR UPDATE; UPDATE accounts SET balance = balance + 1 WHERE id = ${id}; COMMIT`,
    );
    latencies.push(performance.now() - started);
  }
  const run = await done;
  const maxMs = Math.round(Math.max(...latencies));
  await annotate(`workload: ${latencies.length} transactions, longest ${maxMs} ms (lock_timeout 200 ms, 3 attempts)`);

  expect(run.code, run.stderr).toBe(1);
  const result = JSON.parse(run.stdout);
  expect(result.blocked).toBeNull();
  expect(result.applied).toEqual([]);
  expect(result.failed).toMatchObject({ version: "0001", line: 2, sqlstate: "55P03", condition: "lock_not_available" });
  expect(result.failed.hint).toContain("lock_timeout (200 ms) expired on 3 attempts");
  expect(run.stderr).toContain("retry 1 in 500 ms");
  expect(run.stderr).toContain("retry 2 in 1000 ms");
  // The ALTER really queued ahead of the workload (else this proves nothing), and only briefly.
  expect(maxMs).toBeGreaterThan(100);
  expect(maxMs).toBeLessThan(1500);

  const after = await takeSnapshot(db.engine, { schemas: ["public"] });
  expect(compareSnapshots(before, after)).toEqual([]);
  expect(await db.query("SELECT version FROM drydock.migrations")).toEqual([]);
  expect(await db.query("SELECT outcome FROM drydock.runs")).toEqual([{ outcome: "failed" }]);

  await blocker.exec("COMMIT");
  const again = await runDrydock(["apply", "--dir", dir, "--url", db.url, "--json", "--no-verify"]);
  expect(again.code, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout).applied.map((step: { version: string }) => step.version)).toEqual(["0001"]);
  const columns = await db.query<{ name: string }>(
    "SELECT attname AS name FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0 ORDER BY attnum",
  );
  expect(columns.map((column) => column.name)).toEqual(["id", "balance", "note"]);
  expect(await db.query("SELECT version FROM drydock.migrations")).toEqual([{ version: "0001" }]);
});
