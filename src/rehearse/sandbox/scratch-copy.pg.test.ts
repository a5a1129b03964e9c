import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { serverUrl, type TestDatabase, useTestDatabase } from "../../../test/support/test-database.js";
import type { Engine } from "../../db/engine.js";
import { ensureHistory } from "../../db/history.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl, type Target } from "../../db/target-url.js";
import { EnvironmentError } from "../../errors/drydock-error.js";
import { compareSnapshots } from "../../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../../snapshot/take-snapshot.js";
import { quoteIdent } from "../../util/quote-ident.js";
import { createScratchCopy, dropLeftoverScratchDatabases, type ScratchCopy, type ScratchCopyProgress } from "./scratch-copy.js";

/** Tables with data, an identity and a serial, a foreign key, RLS with a policy, a function, a view, an extension, a grant. */
const fixture = `
  CREATE EXTENSION pgcrypto;
  CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id int NOT NULL, email text NOT NULL UNIQUE);
  CREATE TABLE notes (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    body text,
    token text NOT NULL DEFAULT encode(gen_random_bytes(8), 'hex')
  );
  CREATE INDEX notes_account_id ON notes (account_id);
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
  CREATE POLICY notes_by_account ON notes USING (account_id = current_setting('app.account_id')::bigint);
  CREATE FUNCTION note_count(account bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM notes WHERE account_id = account $$;
  CREATE VIEW account_notes AS SELECT a.email, n.body FROM accounts a JOIN notes n ON n.account_id = a.id;
  GRANT SELECT ON accounts TO PUBLIC;
  INSERT INTO accounts (tenant_id, email) SELECT g % 3, 'user' || g || '@example.com' FROM generate_series(1, 50) g;
  INSERT INTO notes (account_id, body) SELECT 1 + g % 50, 'note ' || g FROM generate_series(1, 200) g;`;

const db = useTestDatabase();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function buildSource(database: TestDatabase): Promise<void> {
  await database.exec(fixture);
  await ensureHistory(database.engine);
  await database.exec(`
    INSERT INTO drydock.migrations (version, name, checksum, applied_by, duration_ms) VALUES ('0001', 'init', 'abc', 'tests', 12);
    ALTER DATABASE ${quoteIdent(database.name)} SET search_path = "$user", public, drydock;
    ALTER DATABASE ${quoteIdent(database.name)} SET work_mem = '64MB';
    ALTER DATABASE ${quoteIdent(database.name)} SET app.greeting = 'hello, "world"';`);
}

async function copyOf(target: Target, options: Parameters<typeof createScratchCopy>[1] = {}): Promise<ScratchCopy> {
  const copy = await createScratchCopy(target, options);
  cleanups.push(() => copy.drop());
  return copy;
}

async function withEngine<T>(target: Target, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(target);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

/** Rows per table of public and drydock, counted exactly. */
async function rowCounts(engine: Engine): Promise<Record<string, number>> {
  const tables = await engine.query<{ name: string }>(
    "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname IN ('public', 'drydock') ORDER BY 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    counts[name] = row?.n ?? -1;
  }
  return counts;
}

/** Every object of the database by name and kind, outside PostgreSQL's own schemas: a new one shows. */
async function objectList(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ object: string }>(
    `SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname !~ '^(pg_|information_schema)'
     UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace::regnamespace::text !~ '^(pg_|information_schema)'
     UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
     UNION ALL SELECT 'extension ' || extname FROM pg_extension
     ORDER BY 1`,
  );
  return rows.map((row) => row.object);
}

async function databaseExists(name: string): Promise<boolean> {
  return withEngine(parseTargetUrl(serverUrl()), async (admin) => {
    const rows = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return rows.length > 0;
  });
}

async function databaseSettings(name: string): Promise<string[]> {
  return withEngine(parseTargetUrl(serverUrl()), async (admin) => {
    const rows = await admin.query<{ setting: string }>(
      "SELECT unnest(setconfig) AS setting FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = $1) ORDER BY 1",
      [name],
    );
    return rows.map((row) => row.setting);
  });
}

/** A role with a password (the test server trusts every login, so any password connects) and the URL that logs in as it. */
async function createRole(database: TestDatabase, attributes: string): Promise<{ url: string; password: string; role: string }> {
  const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
  const password = `Pa55/w@rd-${randomBytes(6).toString("hex")}`;
  await database.exec(`CREATE ROLE ${role} LOGIN ${attributes} PASSWORD '${password}'`);
  cleanups.push(async () => {
    await database.exec(`DROP OWNED BY ${role}`); // its grants; the test database is dropped after this
    await withEngine(parseTargetUrl(serverUrl()), (admin) => admin.exec(`DROP ROLE IF EXISTS ${role}`));
  });
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return { url: url.toString(), password, role };
}

function expectNoSecret(error: unknown, password: string): void {
  const texts = [String(error), JSON.stringify((error as EnvironmentError).details.hint), String((error as Error).cause)];
  for (const text of texts) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encodeURIComponent(password));
  }
}

describe("createScratchCopy", () => {
  it("copies tables, rows, policies, functions, grants, settings and drydock's history into a new database", async () => {
    await buildSource(db.current);
    const progress: ScratchCopyProgress[] = [];
    const copy = await copyOf(parseTargetUrl(db.current.url), { onProgress: (event) => progress.push(event) });

    expect(copy.name).toMatch(/^drydock_rehearsal_\d{14}_[0-9a-f]{6}$/);
    expect(copy.target.urlRedacted).toContain(`/${copy.name}`);
    expect(copy).toMatchObject({ dataCopied: true, copiedTables: 5, warnings: [] });
    expect(copy.sizeBytes).toBeGreaterThan(0);
    expect(progress.map((event) => event.phase)).toEqual(expect.arrayContaining(["create", "done"]));

    const source = await takeSnapshot(db.current.engine, { schemas: ["public"] });
    await withEngine(copy.target, async (engine) => {
      expect(compareSnapshots(source, await takeSnapshot(engine, { schemas: ["public"] }))).toEqual([]);
      expect(await rowCounts(engine)).toEqual(await rowCounts(db.current.engine));
      expect(await objectList(engine)).toEqual(await objectList(db.current.engine));
      expect(await engine.query("SELECT version, name FROM drydock.migrations")).toEqual([{ version: "0001", name: "init" }]);
      expect(await engine.query("SHOW search_path")).toEqual([{ search_path: '"$user", public, drydock' }]);
      expect(await databaseSettings(copy.name)).toEqual(await databaseSettings(db.current.name));
    });
  });

  it("leaves the source database as it was", async () => {
    await buildSource(db.current);
    const before = {
      snapshot: await takeSnapshot(db.current.engine, { schemas: ["public"] }),
      rows: await rowCounts(db.current.engine),
      objects: await objectList(db.current.engine),
      history: await db.current.query("SELECT * FROM drydock.migrations"),
    };
    await copyOf(parseTargetUrl(db.current.url));
    const after = await takeSnapshot(db.current.engine, { schemas: ["public"] });
    expect(compareSnapshots(before.snapshot, after)).toEqual([]);
    expect(await rowCounts(db.current.engine)).toEqual(before.rows);
    expect(await objectList(db.current.engine)).toEqual(before.objects);
    expect(await db.current.query("SELECT * FROM drydock.migrations")).toEqual(before.history);
  });

  it("copies no rows with schemaOnly, except drydock's history", async () => {
    await buildSource(db.current);
    const copy = await copyOf(parseTargetUrl(db.current.url), { schemaOnly: true });
    expect(copy).toMatchObject({ dataCopied: false, copiedTables: 5 });
    await withEngine(copy.target, async (engine) => {
      expect(await rowCounts(engine)).toEqual({
        "drydock.approvals": 0,
        "drydock.migrations": 1,
        "drydock.runs": 0,
        "public.accounts": 0,
        "public.notes": 0,
      });
      const source = await takeSnapshot(db.current.engine, { schemas: ["public"] });
      expect(compareSnapshots(source, await takeSnapshot(engine, { schemas: ["public"] }))).toEqual([]);
    });
  });

  it("drops the copy, its sessions ended, and a second drop does nothing", async () => {
    await buildSource(db.current);
    const copy = await copyOf(parseTargetUrl(db.current.url));
    const session = await openEngine(copy.target);
    cleanups.push(() => session.close());
    await copy.drop();
    await copy.drop();
    expect(await databaseExists(copy.name)).toBe(false);
  });

  it("restores without owners and privileges as a user that is not a superuser, and says so", async () => {
    await buildSource(db.current);
    const { url, role } = await createRole(db.current, "CREATEDB BYPASSRLS");
    await db.current.exec(`
      GRANT USAGE ON SCHEMA drydock TO ${role};
      GRANT SELECT ON ALL TABLES IN SCHEMA public, drydock TO ${role};
      GRANT SELECT ON ALL SEQUENCES IN SCHEMA public, drydock TO ${role};`);
    const copy = await copyOf(parseTargetUrl(url));
    expect(copy.warnings).toEqual([
      expect.stringContaining("--no-owner --no-privileges"),
      // PostgreSQL 15+ lets only a superuser (or a GRANT SET) set a custom parameter for a database.
      expect.stringContaining("the database setting app.greeting was not copied"),
    ]);
    await withEngine(copy.target, async (engine) => {
      expect(await rowCounts(engine)).toEqual(await rowCounts(db.current.engine));
      const owners = await engine.query<{ owner: string }>(
        "SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(owners).toEqual([{ owner: role }]);
    });
  });

  it("fails without CREATEDB, naming the privilege, with no password in the error", async () => {
    await buildSource(db.current);
    const { url, password } = await createRole(db.current, "NOCREATEDB");
    const error = await createScratchCopy(parseTargetUrl(url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect((error as EnvironmentError).details.hint).toContain("CREATEDB");
    expectNoSecret(error, password);
    const name = /drydock_rehearsal_\d{14}_[0-9a-f]{6}/.exec(String(error))?.[0];
    expect(name).toBeDefined();
    expect(await databaseExists(name as string)).toBe(false);
  });

  it("drops the half-made copy when pg_dump cannot read a table", async () => {
    await buildSource(db.current);
    const { url, password } = await createRole(db.current, "CREATEDB");
    const error = await createScratchCopy(parseTargetUrl(url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toMatch(/pg_dump failed .*permission denied/);
    expectNoSecret(error, password);
    const name = /drydock_rehearsal_\d{14}_[0-9a-f]{6}/.exec(String(error))?.[0];
    expect(name).toBeDefined();
    expect(await databaseExists(name as string)).toBe(false);
  });

  it("refuses an embedded target: pg_dump needs a server", async () => {
    await expect(createScratchCopy(parseTargetUrl("pglite:memory"))).rejects.toThrow(EnvironmentError);
  });
});

describe("dropLeftoverScratchDatabases", () => {
  it("drops the copies older than the limit and keeps the recent ones", async () => {
    const leftover = `drydock_rehearsal_20000101000000_${randomBytes(3).toString("hex")}`;
    const admin = (sql: string) => withEngine(parseTargetUrl(serverUrl()), (engine) => engine.exec(sql));
    await admin(`CREATE DATABASE ${leftover}`);
    cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${leftover}`));
    await buildSource(db.current);
    const recent = await copyOf(parseTargetUrl(db.current.url), { schemaOnly: true });

    const dropped = await dropLeftoverScratchDatabases(parseTargetUrl(serverUrl()), { olderThanMs: 24 * 3600_000 });
    expect(dropped).toContain(leftover);
    expect(dropped).not.toContain(recent.name);
    expect(await databaseExists(leftover)).toBe(false);
    expect(await databaseExists(recent.name)).toBe(true);
  });
});
