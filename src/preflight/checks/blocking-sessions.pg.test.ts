import { describe, expect, it } from "vitest";
import { createTarget } from "../../../test/support/engines.js";
import { runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import type { Engine } from "../../db/engine.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { blockingSessions } from "./blocking-sessions.js";

const db = useTestDatabase();

/** Another session on the test database, as a reporting job or a psql would hold one. */
async function otherSession(applicationName: string): Promise<{ engine: Engine; pid: number }> {
  const engine = await openEngine(parseTargetUrl(db.current.url), { applicationName });
  const [row] = await engine.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return { engine, pid: row?.pid ?? 0 };
}

/** A short lock_timeout: transactions older than 1 s (the floor) count as blocking. */
const config = '[apply]\nlock_timeout = "200ms"\n';
const olderThanPatience = () => new Promise((resolve) => setTimeout(resolve, 1100));

const alterT = { "0001_add_v.sql": "ALTER TABLE t ADD COLUMN v int;\nCREATE TABLE fresh (id int);\nCREATE INDEX fresh_id ON fresh (id);" };

describe("preflight.blocking_sessions", () => {
  it("fails on an open transaction that read the table an ALTER will lock, and passes once it commits", async () => {
    await db.current.exec("CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a');");
    const reader = await otherSession("report job");
    try {
      await reader.engine.exec("BEGIN; SELECT * FROM t WHERE name = 'secret-token'");
      const young = await runPreflightCheck(blockingSessions, db.current.engine, { migrations: alterT, config });
      expect(young).toMatchObject({ status: "pass", observed: { sessions: 0, short_transactions: 1, older_than_ms: 1000 } });
      await olderThanPatience();
      const blocked = await runPreflightCheck(blockingSessions, db.current.engine, { migrations: alterT, config });
      expect(blocked).toMatchObject({
        id: "preflight.blocking_sessions",
        status: "fail",
        summary: `1 session would block the migrations: a lock that conflicts with the plan's on 1 existing relation (pid ${reader.pid})`,
        observed: { relations: 1, sessions: 1, conflicting: 1, non_conflicting: 0 },
      });
      expect(blocked.observed.holders).toEqual([
        expect.objectContaining({
          pid: reader.pid,
          user: "postgres",
          application_name: "report job",
          state: "idle in transaction",
          transaction_age_ms: expect.any(Number),
          query: "BEGIN; SELECT * FROM t WHERE name = '…'",
          locks: [{ relation: "public.t", mode: "AccessShareLock", granted: true }],
        }),
      ]);
      expect(blocked.details).toEqual([
        expect.stringMatching(
          new RegExp(
            `^pid ${reader.pid} \\(postgres, "report job", idle in transaction, transaction open [^)]+\\) holds AccessShareLock on public\\.t \\(conflicts with AccessExclusiveLock in 0001\\): BEGIN; SELECT \\* FROM t WHERE name = '…'$`,
          ),
        ),
      ]);
      expect(JSON.stringify(blocked)).not.toContain("secret-token");

      await reader.engine.exec("COMMIT");
      const clear = await runPreflightCheck(blockingSessions, db.current.engine, { migrations: alterT, config });
      expect(clear).toMatchObject({
        status: "pass",
        summary: "no other session locks the 1 existing relation the plan touches",
        observed: { relations: 1, sessions: 0, conflicting: 0, holders: [] },
      });
    } finally {
      await reader.engine.close();
    }
  });

  it("warns on a holder whose lock does not conflict, and fails on a session queued with one that does", async () => {
    await db.current.exec("CREATE TABLE t (id int);");
    const insert = { "0001_insert.sql": "INSERT INTO t VALUES (1);" };
    const reader = await otherSession("reader");
    const locker = await otherSession("locker");
    try {
      await reader.engine.exec("BEGIN; SELECT * FROM t");
      await olderThanPatience();
      const shared = await runPreflightCheck(blockingSessions, db.current.engine, { migrations: insert, config });
      expect(shared).toMatchObject({
        status: "warn",
        summary: "1 session locks relations the plan touches, none in conflict (1 existing relation checked)",
        observed: { sessions: 1, conflicting: 0, non_conflicting: 1 },
      });
      expect(shared.details[0]).toContain("holds AccessShareLock on public.t (no conflict)");

      const queued = locker.engine.exec("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
      await waitFor(async () => {
        const rows = await db.current.query("SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted", [locker.pid]);
        return rows.length > 0;
      });
      const behind = await runPreflightCheck(blockingSessions, db.current.engine, { migrations: insert, config });
      expect(behind).toMatchObject({ status: "fail", observed: { sessions: 2, conflicting: 1, non_conflicting: 1 } });
      expect(behind.details.join("\n")).toContain(`pid ${locker.pid} (postgres, "locker", active, transaction open`);
      expect(behind.details.join("\n")).toContain("waits for AccessExclusiveLock on public.t (conflicts with RowExclusiveLock in 0001)");
      await reader.engine.exec("COMMIT");
      await queued;
      await locker.engine.exec("COMMIT");
    } finally {
      await reader.engine.close();
      await locker.engine.close();
    }
  });

  it("passes on PGlite, which has no other session", async () => {
    const target = await createTarget("pglite");
    const engine = await target.open();
    try {
      await engine.exec("CREATE TABLE t (id int); BEGIN; SELECT * FROM t;");
      const result = await runPreflightCheck(blockingSessions, engine, { migrations: alterT });
      expect(result).toMatchObject({ status: "pass", observed: { relations: 1, sessions: 0 } });
    } finally {
      await engine.exec("COMMIT");
      await engine.close();
      await target.dispose();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
