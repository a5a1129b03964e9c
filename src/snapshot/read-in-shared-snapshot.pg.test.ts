import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createTarget, type TestTarget } from "../../test/support/engines.js";
import { serverUrl } from "../../test/support/test-database.js";
import type { Engine } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { readInSharedSnapshot } from "./read-in-shared-snapshot.js";

const opened: Engine[] = [];
const targets: TestTarget[] = [];

/** A fresh target and a session on it (both cleaned up after the test). */
async function openTarget(engine: "postgres" | "pglite" = "postgres"): Promise<{ target: TestTarget; engine: Engine }> {
  const target = await createTarget(engine);
  targets.push(target);
  const session = await target.open();
  opened.push(session);
  return { target, engine: session };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((session) => session.close()));
  await Promise.all(targets.splice(0).map((target) => target.dispose()));
});

/** Other sessions on the engine's database, besides the engine's own. */
async function otherSessions(engine: Engine): Promise<number> {
  const [row] = await engine.query<{ sessions: number }>(
    `SELECT count(*)::int AS sessions FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return row?.sessions ?? -1;
}

describe("readInSharedSnapshot", () => {
  it("lets every session read the state of the moment the snapshot was exported", async () => {
    const { target, engine } = await openTarget();
    const writer = await target.open(); // commits while the others read
    opened.push(writer);
    let committed: () => void = () => undefined;
    const isCommitted = new Promise<void>((resolve) => {
      committed = resolve;
    });
    const seen: { session: number; tables: number; db: string; pid: number }[] = [];
    await readInSharedSnapshot(engine, 2, async (session, sessionIndex) => {
      if (sessionIndex === 0) {
        await writer.exec("CREATE TABLE created_meanwhile (id int)");
        committed();
      }
      await isCommitted;
      const [row] = await session.query<{ tables: number; db: string; pid: number }>(
        `SELECT count(*)::int AS tables, current_database() AS db, pg_backend_pid() AS pid
         FROM pg_class WHERE relname = 'created_meanwhile'`,
      );
      if (row) seen.push({ session: sessionIndex, ...row });
    });
    const [own] = await engine.query<{ db: string }>("SELECT current_database() AS db");
    // three sessions on the engine's database (the engine's and two siblings): none sees the table
    expect(seen.map((reading) => [reading.session, reading.tables, reading.db]).sort()).toEqual([
      [0, 0, own?.db],
      [1, 0, own?.db],
      [2, 0, own?.db],
    ]);
    expect(new Set(seen.map((reading) => reading.pid)).size).toBe(3);
    expect(await engine.query("SELECT count(*)::int AS tables FROM pg_class WHERE relname = 'created_meanwhile'")).toEqual([{ tables: 1 }]);
  });

  it("closes the siblings and ends the engine's transaction, also when a read fails", async () => {
    const { engine } = await openTarget();
    await readInSharedSnapshot(engine, 2, async (session) => {
      await session.query("SELECT 1");
    });
    expect(await otherSessions(engine)).toBe(0);
    expect(await engine.query("SELECT current_setting('transaction_isolation') AS level")).toEqual([{ level: "read committed" }]);

    const failing = readInSharedSnapshot(engine, 2, async (session, sessionIndex) => {
      await session.query(sessionIndex === 1 ? "SELECT missing_column FROM pg_class" : "SELECT pg_sleep(0.05)");
    });
    await expect(failing).rejects.toThrow(/column "missing_column" does not exist/);
    expect(await otherSessions(engine)).toBe(0);
    expect(await engine.query("SELECT current_setting('transaction_isolation') AS level")).toEqual([{ level: "read committed" }]);
  });

  it("reads in the caller's open transaction alone, and leaves it open", async () => {
    const { engine } = await openTarget();
    await engine.exec("BEGIN; CREATE TABLE uncommitted (id int)");
    const readers: string[] = [];
    await readInSharedSnapshot(engine, 2, async (session, sessionIndex) => {
      const [row] = await session.query<{ table: string | null }>("SELECT to_regclass('uncommitted')::text AS table");
      readers.push(`${sessionIndex} ${row?.table}`);
    });
    expect(readers).toEqual(["0 uncommitted"]);
    await engine.exec("ROLLBACK"); // still the caller's transaction: the table goes with it
    expect(await engine.query("SELECT to_regclass('uncommitted') AS table")).toEqual([{ table: null }]);
    expect(await otherSessions(engine)).toBe(0);
  });

  it("reads with the sessions it can open when the role may not open more", async () => {
    const { target, engine: admin } = await openTarget();
    const role = `drydock_test_limited_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    await admin.exec(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1 PASSWORD '${password}'`);
    try {
      const url = new URL(target.url);
      url.username = role;
      url.password = password;
      const engine = await openEngine(parseTargetUrl(url.toString()));
      try {
        const readers: number[] = [];
        await readInSharedSnapshot(engine, 2, async (_session, sessionIndex) => {
          readers.push(sessionIndex);
        });
        expect(readers).toEqual([0]);
        expect(await engine.query("SELECT current_setting('transaction_isolation') AS level")).toEqual([{ level: "read committed" }]);
      } finally {
        await engine.close();
      }
    } finally {
      const server = await openEngine(parseTargetUrl(serverUrl()));
      await server.exec(`DROP ROLE IF EXISTS ${role}`).finally(() => server.close());
    }
  });

  it("reads with the engine's session alone, outside a transaction, on PGlite", async () => {
    const { engine } = await openTarget("pglite");
    expect(engine.openSibling).toBeUndefined();
    const readers: string[] = [];
    await readInSharedSnapshot(engine, 2, async (session, sessionIndex) => {
      const [row] = await session.query<{ level: string }>("SELECT current_setting('transaction_isolation') AS level");
      readers.push(`${sessionIndex} ${row?.level}`);
    });
    expect(readers).toEqual(["0 read committed"]);
  });
});
