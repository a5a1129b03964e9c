import { describe, expect, it } from "vitest";
import { createTarget } from "../../../test/support/engines.js";
import { applyMigrations, preflightContext, runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { acquireApplyLock } from "../../db/advisory-lock.js";
import type { Engine } from "../../db/engine.js";
import { ensureHistory, startRun } from "../../db/history.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { history } from "./history.js";

const files = {
  "0001_users.sql": "CREATE TABLE users (id int);",
  "0002_orgs.sql": "CREATE TABLE orgs (id int);",
  "0003_t.sql": "CREATE TABLE t (id int);",
};

/** Records a run as `apply` does when it starts, for a process on `host` with `pid`. */
function startTestRun(engine: Engine, host: string, pid: number): Promise<number> {
  return startRun(engine, { env: "production", command: "apply", toolVersion: "0.0.0", planHash: null, host, osUser: "deploy", pid });
}

describe("preflight.history", () => {
  const db = useTestDatabase();

  it("passes on history in order with no other apply", async () => {
    await applyMigrations(db.current.engine, { "0001_users.sql": files["0001_users.sql"] });
    const result = await runPreflightCheck(history, db.current.engine, { migrations: files });
    expect(result).toMatchObject({
      id: "preflight.history",
      status: "pass",
      summary: "1 applied migration, 2 pending in order, no other apply running",
      observed: { applied: 1, pending: 2, out_of_order: 0, running_runs: 0, live_applies: 0 },
    });
  });

  it("fails on a migration left behind an applied one, and warns when the caller runs it out of order", async () => {
    const { "0002_orgs.sql": _, ...withoutOrgs } = files;
    await applyMigrations(db.current.engine, withoutOrgs);
    const context = await preflightContext(db.current.engine, { migrations: files });
    const left = await history.run({ ...context, pending: context.pending.filter((migration) => migration.version !== "0002") });
    expect(left).toMatchObject({
      status: "fail",
      summary: "1 migration out of order and not run",
      observed: { applied: 2, out_of_order: 1 },
    });
    expect(left.details).toEqual([
      "0002 orgs: not applied, but sorts before 0003, already applied: renumber it after the last applied migration, or apply it anyway with --allow-out-of-order",
    ]);
    const allowed = await history.run(context);
    expect(allowed).toMatchObject({ status: "warn", summary: "1 migration out of order, run as allowed", observed: { out_of_order: 1 } });
    expect(allowed.details).toEqual(["0002 orgs: runs out of order, after 0003 (allowed)"]);
  });

  it("fails while another apply holds the lock, and warns about its run once the process is gone", async () => {
    await ensureHistory(db.current.engine);
    const other = await openEngine(parseTargetUrl(db.current.url), { applicationName: "drydock apply ci-runner-7 pid 4321" });
    try {
      await acquireApplyLock(other, { waitMs: 0 });
      const runId = await startTestRun(other, "ci-runner-7", 4321);
      const [session] = await other.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const live = await runPreflightCheck(history, db.current.engine, { migrations: files });
      expect(live).toMatchObject({ status: "fail", summary: "1 other apply running", observed: { running_runs: 1, live_applies: 1 } });
      expect(live.details).toEqual([
        expect.stringMatching(
          new RegExp(
            `^another apply is running: drydock apply ci-runner-7 pid 4321 \\(server pid ${session?.pid}, from 127\\.0\\.0\\.1, connected since .+\\) holds drydock's apply lock; run ${runId} \\(apply on production, started .+ by deploy on ci-runner-7, process 4321\\)$`,
          ),
        ),
      ]);
      await other.close();
      const gone = await runPreflightCheck(history, db.current.engine, { migrations: files });
      expect(gone).toMatchObject({
        status: "warn",
        summary: "1 run left running by a process that is gone",
        observed: { running_runs: 1, live_applies: 0 },
      });
      expect(gone.details).toEqual([
        expect.stringMatching(
          new RegExp(
            `^run ${runId} \\(apply on production, .+\\) is still marked running, but no session holds the apply lock: the next apply marks it interrupted$`,
          ),
        ),
      ]);
    } finally {
      await other.close().catch(() => undefined);
    }
  });
});

describe("preflight.history [pglite]", () => {
  it("warns about a run left running: on PGlite no other process can hold the lock", async () => {
    const target = await createTarget("pglite");
    const engine = await target.open();
    try {
      await ensureHistory(engine);
      await startTestRun(engine, "laptop", 1);
      const result = await runPreflightCheck(history, engine, { migrations: files });
      expect(result).toMatchObject({ status: "warn", observed: { running_runs: 1, live_applies: 0 } });
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});
