import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseTargetUrl } from "../../db/target-url.js";
import { EnvironmentError } from "../../errors/drydock-error.js";
import {
  findPgTool,
  libpqEnvironment,
  type PgTool,
  type PgToolName,
  parsePgToolVersion,
  pipePgTools,
  requirePgToolForServer,
  type ServerTarget,
} from "./pg-tools.js";

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A folder of shell scripts standing in for the PostgreSQL client programs. */
async function fakeTools(scripts: Partial<Record<PgToolName, string>>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "drydock-pg-tools-"));
  folders.push(folder);
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(folder, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(folder, name), 0o755);
  }
  return folder;
}

const tool = (name: PgToolName, path: string): PgTool => ({ name, path, version: "15.4", major: 15 });
const server = (url: string) => parseTargetUrl(url) as ServerTarget;

describe("parsePgToolVersion", () => {
  it.each([
    ["pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n", { version: "15.20", major: 15 }],
    ["pg_restore (PostgreSQL) 17beta1", { version: "17beta1", major: 17 }],
    ["pg_dump (PostgreSQL) 9.6.24", { version: "9.6.24", major: 9 }],
    ["something else", null],
  ])("reads %j", (output, expected) => expect(parsePgToolVersion(output)).toEqual(expected));
});

describe("findPgTool", () => {
  it("reads the version of the pg_dump in DRYDOCK_PG_BIN", async () => {
    const folder = await fakeTools({ pg_dump: 'echo "pg_dump (PostgreSQL) 12.3"' });
    expect(await findPgTool("pg_dump", { env: { DRYDOCK_PG_BIN: folder } })).toEqual({
      name: "pg_dump",
      path: join(folder, "pg_dump"),
      version: "12.3",
      major: 12,
    });
  });

  it("says how to install it when it is missing", async () => {
    const folder = await fakeTools({});
    const error = await findPgTool("pg_dump", { env: { PATH: folder }, serverMajor: 15 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect((error as Error).message).toBe(
      "pg_dump not found: install the PostgreSQL client tools (e.g. apt install postgresql-client-15) or rehearse on the embedded engine",
    );
    await expect(findPgTool("pg_restore", { env: { DRYDOCK_PG_BIN: folder } })).rejects.toThrow(/pg_restore not found/);
  });
});

describe("requirePgToolForServer", () => {
  it("refuses a pg_dump older than the server, naming both versions", () => {
    const old: PgTool = { name: "pg_dump", path: "/usr/bin/pg_dump", version: "14.10", major: 14 };
    expect(() => requirePgToolForServer(old, { num: 150004, major: 15, text: "15.4" })).toThrow(
      /pg_dump 14\.10 is older than the server \(PostgreSQL 15\.4\)/,
    );
    expect(() => requirePgToolForServer(old, { num: 140001, major: 14, text: "14.1" })).not.toThrow();
  });
});

describe("libpqEnvironment", () => {
  it("builds the connection from the URL's parts, the password in PGPASSWORD only", () => {
    const env = libpqEnvironment(server("postgres://app%40prod:p%40ss%2Fw0rd@db.example.com:6543/orders?sslmode=no-verify"), {
      applicationName: "drydock test",
    });
    expect(env).toEqual({
      PGHOST: "db.example.com",
      PGPORT: "6543",
      PGUSER: "app@prod",
      PGDATABASE: "orders",
      PGPASSWORD: "p@ss/w0rd",
      PGSSLMODE: "require",
      PGAPPNAME: "drydock test",
    });
  });

  it("reads a socket folder, an IPv6 host and another database", () => {
    expect(libpqEnvironment(server("postgres://me@localhost/app?host=/var/run/postgresql"), { database: "copy" })).toMatchObject({
      PGHOST: "/var/run/postgresql",
      PGDATABASE: "copy",
    });
    expect(libpqEnvironment(server("postgresql://me@[::1]:5433/app")).PGHOST).toBe("::1");
    expect(libpqEnvironment(server("postgresql://me@[::1]:5433/app")).PGPASSWORD).toBeUndefined();
  });
});

describe("pipePgTools", () => {
  const secrets = ["hunter2-secret"];

  it("blames pg_dump when it fails, with its stderr redacted", async () => {
    const folder = await fakeTools({
      pg_dump: 'echo "pg_dump: error: connection to postgres://me:hunter2-secret@db/app failed (hunter2-secret)" >&2; exit 1',
      pg_restore: 'cat >/dev/null; echo "pg_restore: error: could not read from input file: end of file" >&2; exit 1',
    });
    const run = (name: PgToolName) => ({ tool: tool(name, join(folder, name)), args: [], env: { PATH: process.env.PATH } });
    const error = await pipePgTools(run("pg_dump"), run("pg_restore"), { secrets }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toMatch(
      /pg_dump failed \(exit 1\): pg_dump: error: connection to postgres:\/\/me:\*\*\*@db\/app failed \(\*\*\*\)/,
    );
    expect(String(error)).not.toContain("hunter2");
  });

  it("blames pg_restore when it stops first, and stops pg_dump", async () => {
    const folder = await fakeTools({
      pg_dump: "while :; do echo archive; done",
      pg_restore: 'head -c 100 >/dev/null; echo "pg_restore: error: could not execute query: ERROR:  must be owner of table t" >&2; exit 1',
    });
    const run = (name: PgToolName) => ({ tool: tool(name, join(folder, name)), args: [], env: { PATH: process.env.PATH } });
    const error = await pipePgTools(run("pg_dump"), run("pg_restore"), { secrets }).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/pg_restore failed \(exit 1\): .*must be owner of table t/);
    expect((error as EnvironmentError).details.hint).toMatch(/privileged user/);
  });

  it("streams the archive and counts its bytes", async () => {
    const folder = await fakeTools({ pg_dump: "printf 'abcdefghij'", pg_restore: 'test "$(cat)" = abcdefghij' });
    const run = (name: PgToolName) => ({ tool: tool(name, join(folder, name)), args: [], env: { PATH: process.env.PATH } });
    let bytes = 0;
    await pipePgTools(run("pg_dump"), run("pg_restore"), { secrets, onBytes: (total) => (bytes = total) });
    expect(bytes).toBe(10);
  });
});
