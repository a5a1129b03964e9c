import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { embeddedPostgresUnavailable } from "../../../test/support/embedded-postgres.js";
import { serverUrl } from "../../../test/support/test-database.js";
import type { Engine } from "../../db/engine.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl, type Target } from "../../db/target-url.js";
import { EnvironmentError, InputError } from "../../errors/drydock-error.js";
import { openSandboxServer, type SandboxServer } from "./sandbox-server.js";

async function withEngine<T>(target: Target, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(target);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return withEngine(
    parseTargetUrl(serverUrl()),
    async (admin) => (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0,
  );
}

/** Creates a table in a sandbox database and reads the tables it holds: it works, and it started empty. */
async function useDatabase(target: Target): Promise<{ tablesBefore: number; tablesAfter: number }> {
  return withEngine(target, async (engine) => {
    const count = async () =>
      (
        await engine.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
        )
      )[0]?.n;
    const tablesBefore = (await count()) ?? -1;
    await engine.exec("CREATE TABLE probe (id int PRIMARY KEY); INSERT INTO probe VALUES (1);");
    return { tablesBefore, tablesAfter: (await count()) ?? -1 };
  });
}

describe("openSandboxServer with DRYDOCK_SANDBOX_URL", () => {
  it("creates a working empty database on that server and drops it", async () => {
    const server = await openSandboxServer({ DRYDOCK_SANDBOX_URL: serverUrl() });
    try {
      expect(server.kind).toBe("sandbox-url");
      expect(server.description).toContain("DRYDOCK_SANDBOX_URL");
      const database = await server.createDatabase();
      expect(database.name).toMatch(/^drydock_sandbox_\d{14}_[0-9a-f]{6}$/);
      expect(await useDatabase(database.target)).toEqual({ tablesBefore: 0, tablesAfter: 1 });
      await database.drop();
      await database.drop();
      expect(await databaseExists(database.name)).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it("drops on stop the databases still there", async () => {
    const server = await openSandboxServer({ DRYDOCK_SANDBOX_URL: serverUrl() });
    const database = await server.createDatabase();
    const session = await openEngine(database.target); // an open session does not keep it alive
    try {
      await server.stop();
      expect(await databaseExists(database.name)).toBe(false);
    } finally {
      await session.close();
    }
  });

  it("hides the password in its description", async () => {
    // The machine's server trusts every login; embedded-postgres has a real password: keep it then.
    const url = new URL(serverUrl());
    if (!url.password) url.password = "s3cret-sandbox-pw";
    const server = await openSandboxServer({ DRYDOCK_SANDBOX_URL: url.toString() });
    await server.stop();
    expect(server.description).not.toContain(`:${url.password}@`);
    expect(server.description).toContain(":***@");
  });

  it("refuses a URL that names no server", async () => {
    await expect(openSandboxServer({ DRYDOCK_SANDBOX_URL: "pglite:memory" })).rejects.toThrow(InputError);
  });
});

describe("openSandboxServer without DRYDOCK_SANDBOX_URL", () => {
  it("says what to do when embedded-postgres cannot be imported", async () => {
    const error = await openSandboxServer({}, { embeddedPostgresModule: "drydock-no-such-module" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toContain("embedded-postgres is not installed");
    expect((error as EnvironmentError).details.hint).toMatch(/DRYDOCK_SANDBOX_URL.*embedded-postgres.*embedded engine/);
  });

  it("starts a throwaway server, gives it empty databases and removes it all on stop", async (context) => {
    const unavailable = embeddedPostgresUnavailable();
    if (unavailable) context.skip(unavailable);
    const sandboxFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith("drydock-sandbox-"));
    const foldersBefore = sandboxFolders();
    let server: SandboxServer | null = await openSandboxServer({});
    expect(sandboxFolders().length).toBe(foldersBefore.length + 1);
    try {
      expect(server.kind).toBe("embedded-postgres");
      const port = /127\.0\.0\.1:(\d+)/.exec(server.description)?.[1];
      expect(port).toBeDefined();
      const database = await server.createDatabase();
      expect(await useDatabase(database.target)).toEqual({ tablesBefore: 0, tablesAfter: 1 });
      await server.stop();
      server = null;
      await expect(openEngine(database.target)).rejects.toThrow(EnvironmentError); // the server is gone
      expect(sandboxFolders().filter((name) => !foldersBefore.includes(name))).toEqual([]);
    } finally {
      await server?.stop();
    }
  });
});
