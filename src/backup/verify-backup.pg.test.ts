import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/support/temp-project.js";
import { serverUrl, type TestDatabase, useTestDatabase } from "../../test/support/test-database.js";
import { readServerVersion } from "../db/engine.js";
import { ensureHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { EnvironmentError } from "../errors/drydock-error.js";
import { createBackup } from "./create-backup.js";
import { countRows, parseBackupList, verifyBackup, verifyRestore } from "./verify-backup.js";

const db = useTestDatabase();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tempDir = useTempDirs();

async function backupOf(database: TestDatabase): Promise<string> {
  await database.exec(`
    CREATE SCHEMA billing;
    CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE TABLE billing.invoices (id serial PRIMARY KEY, account_id bigint REFERENCES accounts (id), cents int);
    CREATE TABLE "odd name" (v int);
    CREATE VIEW big_invoices AS SELECT * FROM billing.invoices WHERE cents > 1000;
    INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 30) g;
    INSERT INTO billing.invoices (account_id, cents) SELECT 1 + g % 30, g * 10 FROM generate_series(1, 120) g;`);
  await ensureHistory(database.engine);
  const serverVersion = await readServerVersion(database.engine);
  const dir = await tempDir();
  const backup = await createBackup(parseTargetUrl(database.url), { dir, serverVersion, label: "test", now: new Date() });
  return backup.file;
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = await openEngine(parseTargetUrl(serverUrl()));
  try {
    return (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0;
  } finally {
    await admin.close();
  }
}

const tables = ["billing.invoices", "drydock.approvals", "drydock.migrations", "drydock.runs", "public.accounts", "public.odd name"];

describe("verifyBackup", () => {
  it("lists the tables of the archive's table of contents", async () => {
    const file = await backupOf(db.current);
    const contents = await verifyBackup(file);
    expect(contents.tables).toEqual(tables);
    expect(contents.tables_with_data).toEqual(tables);
    expect(contents.entries).toBeGreaterThan(tables.length * 2); // schemas, sequences, constraints, the view…
    expect(contents.database).toBe(db.current.name);
    expect(contents.server_version).toMatch(/^\d+\.\d+/);
    expect(contents.pg_dump_version).toMatch(/^\d+\.\d+/);
  });

  it("is an EnvironmentError naming a file that is not an archive, a cut one, or a missing one", async () => {
    const dir = await tempDir();
    const garbage = join(dir, "garbage.dump");
    await writeFile(garbage, "this is not a dump\n");
    const cut = join(dir, "cut.dump");
    await writeFile(cut, (await readFile(await backupOf(db.current))).subarray(0, 100));
    for (const file of [garbage, cut, join(dir, "missing.dump")]) {
      const error = await verifyBackup(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).exitCode).toBe(3);
      expect(String(error)).toContain(file);
    }
  });
});

describe("parseBackupList", () => {
  it("reads entries whose names hold spaces and skips the header", () => {
    const list = [
      ";",
      "; Archive created at 2024-05-01 02:03:04 UTC",
      ";     dbname: app",
      ";     Dumped from database version: 15.4 (Debian 15.4-1)",
      ";     Dumped by pg_dump version: 16.2",
      ";",
      "215; 1259 16385 TABLE public accounts app_owner",
      "219; 1259 16390 TABLE public we ird app_owner",
      "3365; 0 16385 TABLE DATA public accounts app_owner",
      "3363; 3256 222254 POLICY public notes notes_by_account app_owner",
      "7; 2615 302403 SCHEMA - app postgres",
      "2; 3079 302404 EXTENSION - pgcrypto ",
      "3427; 0 0 COMMENT - EXTENSION pgcrypto ",
      "261; 1255 302464 FUNCTION app f(integer, text) postgres",
      "911; 1255 302466 AGGREGATE app agg(integer) postgres",
      "220; 1259 302460 MATERIALIZED VIEW app mv postgres",
      "888; 1247 302446 DOMAIN app pos postgres",
      "3428; 0 0 SEQUENCE OWNED BY app t_id_seq postgres",
    ].join("\n");
    expect(parseBackupList(list)).toEqual({
      tables: ["public.accounts", "public.we ird"],
      tables_with_data: ["public.accounts"],
      entries: 12,
      objects: [
        "extension pgcrypto",
        "relation app.mv",
        "relation public.accounts",
        "relation public.we ird",
        "routine app.agg(integer)",
        "routine app.f(integer, text)",
        "schema app",
        "type app.pos",
      ],
      database: "app",
      server_version: "15.4",
      pg_dump_version: "16.2",
    });
  });
});

describe("verifyRestore", () => {
  it("restores into a scratch database, finds the source's row counts, and drops it", async () => {
    const file = await backupOf(db.current);
    const expected = await countRows(db.current.engine);
    const tested = await verifyRestore(file, parseTargetUrl(db.current.url), { expectedRowCounts: expected });
    expect(tested.mismatches).toEqual([]);
    expect(tested.tables).toEqual(tables);
    expect(tested.rows).toMatchObject({ "public.accounts": 30, "billing.invoices": 120, "public.odd name": 0 });
    expect(tested.database).toMatch(/^drydock_rehearsal_\d{14}_[0-9a-f]{6}$/);
    expect(await databaseExists(tested.database)).toBe(false);
  });

  it("reports each table whose rows differ from the expected counts, or that one side lacks", async () => {
    const file = await backupOf(db.current);
    const expected = await countRows(db.current.engine);
    expected.set("public.accounts", 31);
    expected.delete("public.odd name");
    expected.set("public.gone", 4);
    const tested = await verifyRestore(file, parseTargetUrl(db.current.url), { expectedRowCounts: expected });
    expect(tested.mismatches).toEqual([
      "public.accounts: 31 rows in the source, 30 restored",
      "public.gone: 4 rows in the source, missing from the restore",
      "public.odd name: restored with 0 rows, not in the source",
    ]);
  });

  it("drops the scratch database when the restore fails", async () => {
    const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
    await db.current.exec(`CREATE ROLE ${role}; CREATE TABLE owned (v int); ALTER TABLE owned OWNER TO ${role};`);
    const file = await backupOf(db.current);
    await db.current.exec(`DROP TABLE owned; DROP ROLE ${role};`); // the archive's ALTER TABLE … OWNER TO now fails
    const error = await verifyRestore(file, parseTargetUrl(db.current.url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toMatch(new RegExp(`pg_restore failed .*role "${role}" does not exist`));
    const scratch = /drydock_rehearsal_\d{14}_[0-9a-f]{6}/.exec(String(error))?.[0];
    expect(scratch).toBeDefined();
    expect(await databaseExists(scratch as string)).toBe(false);
  });
});

describe("countRows", () => {
  it("counts every table outside PostgreSQL's schemas, drydock's included, in name order", async () => {
    await db.current.exec(`
      CREATE SCHEMA "Zed"; CREATE TABLE "Zed".t (v int); INSERT INTO "Zed".t VALUES (1), (2);
      CREATE TABLE a (v int); INSERT INTO a SELECT generate_series(1, 5);
      CREATE TABLE parted (v int) PARTITION BY RANGE (v);
      CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (10);
      INSERT INTO parted VALUES (1), (2), (3);
      CREATE TEMP TABLE scratch (v int);`);
    await ensureHistory(db.current.engine);
    const counts = await countRows(db.current.engine);
    expect([...counts]).toEqual([
      ["Zed.t", 2],
      ["drydock.approvals", 0],
      ["drydock.migrations", 0],
      ["drydock.runs", 0],
      ["public.a", 5],
      ["public.parted_low", 3],
    ]);
  });

  it("fails rather than count fewer rows when row-level security would hide some", async () => {
    const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
    // A password of its own: the embedded test server asks for one, the machine's trusts.
    const password = randomBytes(8).toString("hex");
    await db.current.exec(`
      CREATE ROLE ${role} LOGIN PASSWORD '${password}';
      CREATE TABLE secrets (v int); INSERT INTO secrets VALUES (1), (2);
      ALTER TABLE secrets OWNER TO ${role};
      ALTER TABLE secrets ENABLE ROW LEVEL SECURITY; ALTER TABLE secrets FORCE ROW LEVEL SECURITY;`);
    cleanups.push(async () => {
      await db.current.exec(`DROP TABLE secrets; DROP ROLE ${role}`);
    });
    const url = new URL(db.current.url);
    url.username = role;
    url.password = password;
    const owner = await openEngine(parseTargetUrl(url.toString()));
    try {
      await expect(countRows(owner)).rejects.toThrow(/row-level security/);
      expect(await owner.query("SELECT 1 AS still_usable")).toEqual([{ still_usable: 1 }]);
    } finally {
      await owner.close();
    }
  });

  it("works on the embedded engine", async () => {
    const engine = await openEngine(parseTargetUrl("pglite:memory"));
    try {
      await engine.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1), (2), (3);");
      expect(await countRows(engine)).toEqual(new Map([["public.t", 3]]));
    } finally {
      await engine.close();
    }
  });
});
