import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";
import type { Engine } from "../db/engine.js";
import { ensureHistory } from "../db/history.js";
import type { Migration } from "../model/migration.js";
import { checksumOf } from "../util/hash.js";
import { prepareMigrations } from "./prepare-migrations.js";
import { type RunEvent, type RunMigrationsOptions, runMigrations } from "./run-migrations.js";

function migration(version: string, sql: string, kind: Migration["kind"] = "versioned"): Migration {
  const file = `migrations/${version}_m.sql`;
  return {
    version,
    name: "m",
    kind,
    format: "plain",
    up: { file, sql, formatAllowsTransaction: true },
    down: null,
    checksum: checksumOf(sql),
  };
}

const defaults: RunMigrationsOptions = {
  lockTimeoutMs: 100,
  lockRetries: 2,
  statementTimeoutMs: 0,
  transaction: "per-migration",
  runId: null,
  appliedBy: "test",
  retryBaseMs: 50,
};

let db: TestDatabase;
let blocker: TestDatabase["engine"] | null = null;
beforeEach(async () => {
  db = await createTestDatabase();
  await ensureHistory(db.engine);
});
afterEach(async () => {
  await blocker?.close();
  blocker = null;
  await db.drop();
});

async function openBlocker(): Promise<Engine> {
  const { openEngine } = await import("../db/open-engine.js");
  const { parseTargetUrl } = await import("../db/target-url.js");
  blocker = await openEngine(parseTargetUrl(db.url));
  return blocker;
}

async function versions(): Promise<string[]> {
  return (await db.query<{ version: string }>("SELECT version FROM drydock.migrations ORDER BY version")).map((row) => row.version);
}

describe("lock timeouts", () => {
  it("retries with backoff, then fails cleanly leaving schema and history unchanged", async () => {
    await db.exec("CREATE TABLE accounts (id int)");
    const holder = await openBlocker();
    await holder.exec("BEGIN; LOCK TABLE accounts IN ACCESS SHARE MODE");
    const events: RunEvent[] = [];
    const prepared = await prepareMigrations([migration("0001", "ALTER TABLE accounts ADD COLUMN email text;")]);
    const result = await runMigrations(db.engine, prepared, { ...defaults, onEvent: (event) => events.push(event) });
    expect(result.applied).toEqual([]);
    expect(result.failed).toMatchObject({ version: "0001", sqlstate: "55P03", condition: "lock_not_available", line: 1, column: 1 });
    expect(result.failed?.hint).toContain("3 attempts");
    expect(events.filter((event) => event.type === "retry").map((event) => (event as { waitMs: number }).waitMs)).toEqual([50, 100]);
    expect(await db.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'email'")).toEqual([]);
    expect(await versions()).toEqual([]);
  });

  it("succeeds on a retry once the blocking transaction ends", async () => {
    await db.exec("CREATE TABLE accounts (id int)");
    const holder = await openBlocker();
    await holder.exec("BEGIN; LOCK TABLE accounts IN ACCESS SHARE MODE");
    const prepared = await prepareMigrations([migration("0001", "ALTER TABLE accounts ADD COLUMN email text;")]);
    const result = await runMigrations(db.engine, prepared, {
      ...defaults,
      lockRetries: 5,
      onEvent: (event) => {
        if (event.type === "retry" && event.attempt === 2) void holder.exec("COMMIT");
      },
    });
    expect(result.failed).toBeNull();
    expect(await versions()).toEqual(["0001"]);
  });
});

describe("statement-by-statement migrations", () => {
  it("reports the index a failed concurrent build leaves invalid, and records nothing", async () => {
    await db.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1), (1);");
    const prepared = await prepareMigrations([
      migration("0001", "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_plain ON t (v);\nCREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);\n"),
    ]);
    expect(prepared[0]?.mode.mode).toBe("statements");
    const result = await runMigrations(db.engine, prepared, defaults);
    expect(result.failed).toMatchObject({ line: 2, sqlstate: "23505", partially_applied: true, invalid_indexes: ["t_v"] });
    expect(result.failed?.hint).toContain("DROP INDEX CONCURRENTLY");
    expect(await versions()).toEqual([]);
    const [valid] = await db.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 't_plain'::regclass");
    expect(valid?.valid).toBe(true);
  });
});

describe('transaction = "all"', () => {
  it("rolls back every migration of the run when one fails", async () => {
    const prepared = await prepareMigrations([
      migration("0001", "CREATE TABLE a (id int);"),
      migration("0002", "CREATE TABLE b (id nope);"),
    ]);
    const result = await runMigrations(db.engine, prepared, { ...defaults, transaction: "all" });
    expect(result).toMatchObject({ applied: [], failed: { version: "0002", sqlstate: "42704" } });
    expect(await db.query("SELECT 1 FROM pg_class WHERE relname = 'a'")).toEqual([]);
    expect(await versions()).toEqual([]);
  });

  it("refuses a migration that cannot run in a transaction before running anything", async () => {
    const prepared = await prepareMigrations([
      migration("0001", "CREATE TABLE a (id int);"),
      migration("0002", "CREATE INDEX CONCURRENTLY a_id ON a (id);"),
    ]);
    await expect(runMigrations(db.engine, prepared, { ...defaults, transaction: "all" })).rejects.toThrow(
      /cannot run inside the single transaction/,
    );
    expect(await db.query("SELECT 1 FROM pg_class WHERE relname = 'a'")).toEqual([]);
  });
});

it("runs a file's own BEGIN … COMMIT inside drydock's transaction, atomically", async () => {
  const prepared = await prepareMigrations([migration("0001", "BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE b (id nope);\nCOMMIT;\n")]);
  expect(prepared[0]?.mode.skip).toEqual([0, 3]);
  const result = await runMigrations(db.engine, prepared, defaults);
  expect(result.failed).toMatchObject({ line: 3 });
  expect(await db.query("SELECT 1 FROM pg_class WHERE relname = 'a'")).toEqual([]);
});

it("records a repeatable migration again when it changed", async () => {
  const first = await prepareMigrations([migration("R__views", "CREATE OR REPLACE VIEW v AS SELECT 1 AS x;", "repeatable")]);
  await runMigrations(db.engine, first, defaults);
  const second = await prepareMigrations([migration("R__views", "CREATE OR REPLACE VIEW v AS SELECT 1 AS x, 2 AS y;", "repeatable")]);
  await runMigrations(db.engine, second, defaults);
  const rows = await db.query<{ checksum: string }>("SELECT checksum FROM drydock.migrations");
  expect(rows).toEqual([{ checksum: second[0]?.migration.checksum }]);
  expect(await db.query("SELECT y FROM v")).toEqual([{ y: 2 }]);
});
