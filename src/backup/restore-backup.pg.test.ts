import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/support/temp-project.js";
import { databaseUrl, serverUrl, type TestDatabase, useTestDatabase } from "../../test/support/test-database.js";
import { type Engine, readServerVersion } from "../db/engine.js";
import { ensureHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { EnvironmentError, InputError } from "../errors/drydock-error.js";
import type { Snapshot } from "../model/snapshot.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { redactUrl } from "../util/redact-url.js";
import { createBackup } from "./create-backup.js";
import { restoreBackup, restoredDatabaseName } from "./restore-backup.js";
import { countRows, verifyBackup, verifyRestore } from "./verify-backup.js";

/** Tables with rows, an identity and a serial, a foreign key, a view, RLS with a policy, a function, and drydock's history. */
const fixture = `
  CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id int NOT NULL, email text NOT NULL UNIQUE);
  CREATE TABLE notes (id serial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), body text);
  CREATE INDEX notes_account_id ON notes (account_id);
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
  CREATE POLICY notes_by_account ON notes USING (account_id = current_setting('app.account_id')::bigint);
  CREATE FUNCTION note_count(account bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM notes WHERE account_id = account $$;
  CREATE VIEW account_notes AS SELECT a.email, n.body FROM accounts a JOIN notes n ON n.account_id = a.id;
  INSERT INTO accounts (tenant_id, email) SELECT g % 3, 'user' || g || '@example.com' FROM generate_series(1, 50) g;
  INSERT INTO notes (account_id, body) SELECT 1 + g % 50, 'note ' || g FROM generate_series(1, 200) g;`;

/** Drops a table (and the view over it), deletes rows, changes a column's type. */
const damage = `
  DROP TABLE notes CASCADE;
  DELETE FROM accounts WHERE id > 10;
  ALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);`;

const db = useTestDatabase();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tempDir = useTempDirs();

async function build(database: TestDatabase): Promise<void> {
  await database.exec(fixture);
  await ensureHistory(database.engine);
  await database.exec(
    "INSERT INTO drydock.migrations (version, name, checksum, applied_by, duration_ms) VALUES ('0001', 'init', 'abc', 'tests', 12)",
  );
}

async function backupOf(database: TestDatabase): Promise<string> {
  const serverVersion = await readServerVersion(database.engine);
  const backup = await createBackup(parseTargetUrl(database.url), { dir: await tempDir(), serverVersion, label: "test", now: new Date() });
  return backup.file;
}

/** The catalog of public, with exact row counts. */
function snapshotOf(engine: Engine): Promise<Snapshot> {
  return takeSnapshot(engine, { schemas: ["public"], exactCounts: true });
}

function exactCounts(snapshot: Snapshot): Record<string, number | null> {
  return Object.fromEntries(snapshot.statistics.relations.map((relation) => [`${relation.schema}.${relation.name}`, relation.row_count]));
}

async function withEngine<T>(url: string, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(parseTargetUrl(url));
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

/** A role with a password; the test server trusts every login, so the password is only there to leak. */
async function roleUrl(database: TestDatabase, attributes: string): Promise<{ url: string; password: string; role: string }> {
  const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
  const password = `Pa55/w@rd-${randomBytes(6).toString("hex")}`;
  await database.exec(`CREATE ROLE ${role} LOGIN ${attributes} PASSWORD '${password}'`);
  cleanups.push(() => withEngine(serverUrl(), (admin) => admin.exec(`DROP ROLE IF EXISTS ${role}`)));
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return { url: url.toString(), password, role };
}

function expectNoSecret(error: unknown, password: string): void {
  const texts = [String(error), String((error as EnvironmentError).details?.hint), String((error as Error).cause)];
  for (const text of texts) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encodeURIComponent(password));
  }
}

describe("restoreBackup", () => {
  it("backs up, verifies, restores over a damaged database, and gets the catalog and the rows back", async () => {
    await build(db.current);
    const target = parseTargetUrl(db.current.url);
    const before = await snapshotOf(db.current.engine);
    const rowsBefore = await countRows(db.current.engine);

    const file = await backupOf(db.current);
    expect((await verifyBackup(file)).tables).toEqual(
      expect.arrayContaining(["public.accounts", "public.notes", "drydock.migrations", "drydock.runs"]),
    );
    expect((await verifyRestore(file, target, { expectedRowCounts: rowsBefore })).mismatches).toEqual([]);

    await db.current.exec(damage);
    const damaged = await snapshotOf(db.current.engine);
    expect(compareSnapshots(before, damaged)).not.toEqual([]);
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(10);

    const restored = await restoreBackup(file, { target, confirm: true });
    expect(restored).toMatchObject({
      mode: "target",
      database: db.current.name,
      url_redacted: target.urlRedacted,
      dropped_since_backup: [],
      warnings: [],
    });
    expect(restored.tables).toEqual(expect.arrayContaining(["public.accounts", "public.notes"]));

    const after = await snapshotOf(db.current.engine);
    expect(compareSnapshots(before, after)).toEqual([]);
    expect(exactCounts(after)).toEqual(exactCounts(before));
    expect(await countRows(db.current.engine)).toEqual(rowsBefore);
    expect(await db.current.query("SELECT version FROM drydock.migrations")).toEqual([{ version: "0001" }]);
    expect(await db.current.query("SELECT note_count(1) AS n")).toEqual([{ n: "4" }]);
  });

  it("refuses to replace the target's content without confirmation, and changes nothing", async () => {
    await build(db.current);
    const file = await backupOf(db.current);
    await db.current.exec(damage);
    const rows = await countRows(db.current.engine);
    const error = await restoreBackup(file, { target: parseTargetUrl(db.current.url), confirm: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect(String(error)).toContain("replaces its content: not confirmed");
    expect((error as InputError).details.hint).toContain("--yes");
    expect(await countRows(db.current.engine)).toEqual(rows);
  });

  it("restores into a new database beside the target with into: new, leaving the target untouched", async () => {
    await build(db.current);
    const rowsBefore = await countRows(db.current.engine);
    const file = await backupOf(db.current);
    await db.current.exec(damage);
    const damaged = { snapshot: await snapshotOf(db.current.engine), rows: await countRows(db.current.engine) };

    const restored = await restoreBackup(file, { target: parseTargetUrl(db.current.url), into: "new", confirm: false });
    cleanups.push(() =>
      withEngine(serverUrl(), (admin) => admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(restored.database)} WITH (FORCE)`)),
    );
    expect(restored.mode).toBe("new");
    expect(restored.database).toMatch(new RegExp(`^${db.current.name}_restored_\\d{14}$`));
    expect(restored.url_redacted).toBe(redactUrl(databaseUrl(restored.database)));

    expect(compareSnapshots(damaged.snapshot, await snapshotOf(db.current.engine))).toEqual([]);
    expect(await countRows(db.current.engine)).toEqual(damaged.rows);
    expect(await withEngine(databaseUrl(restored.database), countRows)).toEqual(rowsBefore);
  });

  it("drops what was created after the backup, even what depends on a table it replaces: the database is the backup's", async () => {
    await build(db.current);
    const before = { snapshot: await snapshotOf(db.current.engine), rows: await countRows(db.current.engine) };
    const file = await backupOf(db.current);
    await db.current.exec(`${damage}
      CREATE SCHEMA later_schema; CREATE TABLE later_schema.t (v int);
      CREATE TABLE later (account_id bigint REFERENCES accounts (id)); INSERT INTO later VALUES (1);
      CREATE VIEW later_view AS SELECT email FROM accounts;
      CREATE TYPE later_mood AS ENUM ('a'); CREATE FUNCTION later_fn(n integer) RETURNS integer LANGUAGE sql AS 'select n';
      ALTER TABLE accounts ADD COLUMN later_column int;`);
    await db.current.exec(
      "INSERT INTO drydock.migrations (version, name, checksum, applied_by, duration_ms) VALUES ('0002', 'later', 'def', 'tests', 5)",
    );

    const restored = await restoreBackup(file, { target: parseTargetUrl(db.current.url), confirm: true });
    expect(restored.dropped_since_backup).toEqual([
      "schema later_schema",
      "table public.later",
      "view public.later_view",
      "function public.later_fn(integer)",
      "type public.later_mood",
    ]);
    expect(restored.warnings).toEqual([expect.stringContaining("5 objects created after the backup were dropped")]);
    expect(compareSnapshots(before.snapshot, await snapshotOf(db.current.engine))).toEqual([]);
    expect(await countRows(db.current.engine)).toEqual(before.rows);
    expect(await db.current.query("SELECT to_regnamespace('later_schema') AS schema")).toEqual([{ schema: null }]);
    expect(await db.current.query("SELECT version FROM drydock.migrations ORDER BY version")).toEqual([{ version: "0001" }]);
  });

  it("empties the history when the backup was taken before drydock had one", async () => {
    await db.current.exec(fixture);
    const file = await backupOf(db.current);
    await ensureHistory(db.current.engine);
    await db.current.exec(
      "CREATE TABLE later (v int); INSERT INTO drydock.migrations (version, name, checksum, applied_by, duration_ms) VALUES ('0001', 'later', 'abc', 'tests', 1)",
    );
    const restored = await restoreBackup(file, { target: parseTargetUrl(db.current.url), confirm: true });
    expect(restored.dropped_since_backup).toEqual(["table public.later"]);
    expect(restored.warnings).toContainEqual(expect.stringContaining("drydock.migrations was emptied"));
    expect(await db.current.query("SELECT count(*)::int AS applied FROM drydock.migrations")).toEqual([{ applied: 0 }]);
    expect(await db.current.query("SELECT to_regclass('drydock.runs') IS NOT NULL AS kept")).toEqual([{ kept: true }]);
  });

  it("changes nothing when the restore fails halfway: the drops of what came after are rolled back with it", async () => {
    await build(db.current);
    const file = await backupOf(db.current);
    await db.current.exec("CREATE TABLE later (v int); INSERT INTO later VALUES (1);");
    // A role the archive's ALTER … OWNER TO names, gone: pg_restore's script fails there.
    const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
    await db.current.exec(`CREATE ROLE ${role}; CREATE TABLE owned (v int); ALTER TABLE owned OWNER TO ${role};`);
    const withOwned = await backupOf(db.current);
    await db.current.exec(`DROP TABLE owned; DROP ROLE ${role};`);
    const state = { snapshot: await snapshotOf(db.current.engine), rows: await countRows(db.current.engine) };
    const error = await restoreBackup(withOwned, { target: parseTargetUrl(db.current.url), confirm: true }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toMatch(new RegExp(`nothing was changed.*psql failed .*role "${role}" does not exist`));
    expect(compareSnapshots(state.snapshot, await snapshotOf(db.current.engine))).toEqual([]);
    expect(await countRows(db.current.engine)).toEqual(state.rows);
    expect(file).not.toBe(withOwned);
  });

  it("shows no password in its errors", async () => {
    await build(db.current);
    const file = await backupOf(db.current);
    const { url, password } = await roleUrl(db.current, "NOCREATEDB"); // owns nothing: the restore fails
    for (const into of [undefined, "new"] as const) {
      const error = await restoreBackup(file, { target: parseTargetUrl(url), confirm: true, ...(into ? { into } : {}) }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(EnvironmentError);
      expect(String(error)).toMatch(/must be owner|permission denied/);
      expectNoSecret(error, password);
    }
  });

  it("refuses a missing pg_restore with exit 3, and an embedded target by name", async () => {
    await build(db.current);
    const file = await backupOf(db.current);
    const env = { ...process.env, DRYDOCK_PG_BIN: await tempDir() };
    const error = await restoreBackup(file, { target: parseTargetUrl(db.current.url), confirm: true, env }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect(String(error)).toContain("pg_restore not found in DRYDOCK_PG_BIN");
    await expect(restoreBackup(file, { target: parseTargetUrl("pglite:memory"), confirm: true })).rejects.toThrow(
      /the embedded engine has no pg_dump/,
    );
  });
});

describe("restoredDatabaseName", () => {
  it("appends the UTC stamp and keeps the name within 63 bytes", () => {
    const now = new Date("2024-05-01T02:03:04Z");
    expect(restoredDatabaseName("app", now)).toBe("app_restored_20240501020304");
    const long = restoredDatabaseName("é".repeat(40), now);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(long.endsWith("_restored_20240501020304")).toBe(true);
  });
});
