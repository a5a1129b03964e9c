import { randomBytes } from "node:crypto";
import { chmod, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/support/temp-project.js";
import { serverUrl, type TestDatabase, useTestDatabase } from "../../test/support/test-database.js";
import { readServerVersion, type ServerVersion } from "../db/engine.js";
import { ensureHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { EnvironmentError } from "../errors/drydock-error.js";
import { backupFileName, createBackup } from "./create-backup.js";
import { verifyBackup } from "./verify-backup.js";

const db = useTestDatabase();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const now = new Date("2024-05-01T02:03:04.567Z");

const tempDir = useTempDirs();

async function build(database: TestDatabase): Promise<ServerVersion> {
  await database.exec(`
    CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE TABLE "odd name" (v int);
    INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20) g;`);
  await ensureHistory(database.engine);
  return readServerVersion(database.engine);
}

/** A role with a password; the test server trusts every login, so the password is only there to leak. */
async function roleUrl(database: TestDatabase): Promise<{ url: string; password: string }> {
  const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
  const password = `Pa55/w@rd-${randomBytes(6).toString("hex")}`;
  await database.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  cleanups.push(async () => {
    const admin = await openEngine(parseTargetUrl(serverUrl()));
    await admin.exec(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.close());
  });
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return { url: url.toString(), password };
}

function expectNoSecret(error: unknown, password: string): void {
  const texts = [String(error), String((error as EnvironmentError).details?.hint), String((error as Error).cause)];
  for (const text of texts) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encodeURIComponent(password));
  }
}

describe("createBackup", () => {
  it("dumps the whole database into <dir>/<stamp>-<label>.dump, readable by its owner only", async () => {
    const serverVersion = await build(db.current);
    const dir = join(await tempDir(), "nested", "backups");
    const backup = await createBackup(parseTargetUrl(db.current.url), { dir, serverVersion, label: "production", now });

    expect(backup.file).toBe(join(dir, "20240501T020304Z-production.dump"));
    expect(backup.tables).toBe(5); // accounts, "odd name", drydock.runs, drydock.migrations, drydock.approvals
    expect(backup.size_bytes).toBe((await stat(backup.file)).size);
    expect(backup.size_bytes).toBeGreaterThan(0);
    expect(backup.duration_ms).toBeGreaterThanOrEqual(0);
    expect(backup.pg_dump_version).toMatch(/^\d+/);
    expect((await stat(backup.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual(["20240501T020304Z-production.dump"]);
    expect((await verifyBackup(backup.file)).tables).toContain("public.odd name");
  });

  it("never replaces an earlier backup of the same second and label", async () => {
    const serverVersion = await build(db.current);
    const dir = await tempDir();
    const target = parseTargetUrl(db.current.url);
    const first = await createBackup(target, { dir, serverVersion, label: "staging", now });
    const before = await stat(first.file);
    const error = await createBackup(target, { dir, serverVersion, label: "staging", now }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toContain("already exists");
    expect((await stat(first.file)).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(dir)).toEqual([backupFileName(now, "staging")]);
  });

  it("refuses a missing pg_dump (DRYDOCK_PG_BIN names an empty folder) with exit 3, and writes nothing", async () => {
    const serverVersion = await build(db.current);
    const dir = await tempDir();
    const empty = await tempDir();
    const env = { ...process.env, DRYDOCK_PG_BIN: empty };
    const error = await createBackup(parseTargetUrl(db.current.url), { dir, serverVersion, label: "p", now, env }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect(String(error)).toContain(`pg_dump not found in DRYDOCK_PG_BIN (${empty})`);
    expect((error as EnvironmentError).details.hint).toContain(`postgresql-client-${serverVersion.major}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a pg_dump older than the server, naming both versions and the fix", async () => {
    const serverVersion = await build(db.current);
    const bin = await tempDir();
    // A stand-in that answers --version like pg_dump 12 would; it is never asked to dump.
    await writeFile(join(bin, "pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.17'\n");
    await chmod(join(bin, "pg_dump"), 0o755);
    const dir = await tempDir();
    const env = { ...process.env, DRYDOCK_PG_BIN: bin };
    const error = await createBackup(parseTargetUrl(db.current.url), { dir, serverVersion, label: "p", now, env }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect(String(error)).toContain("pg_dump 12.17 is older than the server");
    expect(String(error)).toContain(`PostgreSQL ${serverVersion.text}`);
    expect((error as EnvironmentError).details.hint).toMatch(new RegExp(`postgresql-client-${serverVersion.major}.*DRYDOCK_PG_BIN`));
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves no partial file when pg_dump fails, and no password in the error", async () => {
    const serverVersion = await build(db.current);
    const { url, password } = await roleUrl(db.current); // may connect, may read no table
    const dir = await tempDir();
    const error = await createBackup(parseTargetUrl(url), { dir, serverVersion, label: "p", now }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toMatch(/pg_dump failed \(exit 1\):.*permission denied/);
    expect(String(error)).toContain(":***@");
    expectNoSecret(error, password);
    expect(await readdir(dir)).toEqual([]);
  });

  it("names the embedded engine's limitation instead of crashing", async () => {
    const serverVersion: ServerVersion = { num: 170000, major: 17, text: "17.0" };
    const dir = await tempDir();
    const error = await createBackup(parseTargetUrl(`pglite:${dir}/db`), { dir, serverVersion, label: "p", now }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toContain("the embedded engine has no pg_dump; copy its folder instead");
    expect((error as EnvironmentError).details.hint).toContain(`${dir}/db`);
    await expect(createBackup(parseTargetUrl("pglite:memory"), { dir, serverVersion, label: "p", now })).rejects.toThrow(
      /embedded engine has no pg_dump/,
    );
  });
});

describe("backupFileName", () => {
  it("stamps UTC time to the second and keeps the label to safe characters", () => {
    expect(backupFileName(now, "production")).toBe("20240501T020304Z-production.dump");
    expect(backupFileName(now, "../eu west/1")).toBe("20240501T020304Z-eu-west-1.dump");
    expect(backupFileName(now, "")).toBe("20240501T020304Z-backup.dump");
  });
});
