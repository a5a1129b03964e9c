import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import type { Engine } from "../../src/db/engine.js";
import { openEngine } from "../../src/db/open-engine.js";
import { parseTargetUrl } from "../../src/db/target-url.js";
import { createTestDatabase } from "./test-database.js";

/** A fresh, empty target database on one engine, addressed by URL like a user would. */
export interface TestTarget {
  engine: "postgres" | "pglite";
  url: string;
  /** Opens a session to inspect the target (close it before the next drydock call on PGlite). */
  open(): Promise<Engine>;
  /** Runs a query on a short-lived session. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  dispose(): Promise<void>;
}

/** Runs the suite once per engine: the PostgreSQL test server and PGlite in a folder. */
export function forEachEngine(title: string, suite: (newTarget: () => Promise<TestTarget>) => void): void {
  for (const engine of ["postgres", "pglite"] as const) {
    describe(`${title} [${engine}]`, () => suite(() => createTarget(engine)));
  }
}

export async function createTarget(engine: "postgres" | "pglite"): Promise<TestTarget> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (engine === "postgres") {
    const db = await createTestDatabase();
    url = db.url;
    cleanup = () => db.drop();
    await db.engine.close(); // drydock opens its own sessions; drop() still removes the database
  } else {
    const dir = await mkdtemp(join(tmpdir(), "drydock-pglite-"));
    url = `pglite:${dir}`;
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const open = () => openEngine(parseTargetUrl(url));
  return {
    engine,
    url,
    open,
    async query(sql, params) {
      const session = await open();
      try {
        return await session.query(sql, params);
      } finally {
        await session.close();
      }
    },
    dispose: cleanup,
  };
}
