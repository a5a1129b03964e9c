import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, inject } from "vitest";
import type { Engine } from "../../src/db/engine.js";
import { openEngine } from "../../src/db/open-engine.js";
import { parseTargetUrl } from "../../src/db/target-url.js";
import { quoteIdent } from "../../src/util/quote-ident.js";

/** A fresh database on the test server, and a session on it. */
export interface TestDatabase {
  name: string;
  /** URL of this database (the server's credentials). */
  url: string;
  engine: Engine;
  exec(sql: string): Promise<unknown>;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

/** The test server's admin URL (see global-setup.ts). */
export function serverUrl(): string {
  return inject("serverUrl");
}

/** URL of another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates a database with a unique name; `drop()` removes it even with sessions still open. */
export async function createTestDatabase(prefix = "drydock_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin((admin) => admin.exec(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = databaseUrl(name);
  const engine = await openEngine(parseTargetUrl(url), { applicationName: "drydock tests" });
  return {
    name,
    url,
    engine,
    exec: (sql) => engine.exec(sql),
    query: (sql, params) => engine.query(sql, params),
    async drop() {
      await engine.close();
      await withAdmin((admin) => admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

/** A fresh database for each test of the enclosing describe, dropped after it. */
export function useTestDatabase(prefix?: string): { readonly current: TestDatabase } {
  const handle: { current: TestDatabase | null } = { current: null };
  beforeEach(async () => {
    handle.current = await createTestDatabase(prefix);
  });
  afterEach(async () => {
    await handle.current?.drop();
    handle.current = null;
  });
  return {
    get current(): TestDatabase {
      if (!handle.current) throw new Error("useTestDatabase: no database outside a test");
      return handle.current;
    },
  };
}

async function withAdmin<T>(fn: (admin: Engine) => Promise<T>): Promise<T> {
  const admin = await openEngine(parseTargetUrl(serverUrl()), { applicationName: "drydock tests admin" });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}
