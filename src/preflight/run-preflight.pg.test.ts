import { describe, expect, it } from "vitest";
import { forEachEngine } from "../../test/support/engines.js";
import { applyMigrations, preflightContext } from "../../test/support/preflight-context.js";
import { useTestDatabase } from "../../test/support/test-database.js";
import type { CheckResult } from "../model/check.js";
import type { PreflightCheck } from "./preflight-check.js";
import { preflightChecks } from "./registry.js";
import { preflightBlocks, runPreflight } from "./run-preflight.js";

const check = (id: string, run: PreflightCheck["run"]): PreflightCheck => ({ id, description: "a check for tests", run });
const passing = check("preflight.test_passes", async () => ({
  id: "preflight.test_passes",
  status: "pass",
  summary: "ok",
  observed: {},
  details: [],
}));

const applied = { "0001_users.sql": "CREATE TABLE users (id int PRIMARY KEY, email text);" };
const project = { ...applied, "0002_add_name.sql": "CREATE EXTENSION IF NOT EXISTS plpgsql;\nALTER TABLE users ADD COLUMN name text;" };

forEachEngine("runPreflight", (newTarget) => {
  it("runs every registered check in order; a quiet database with clean history does not block", async () => {
    const target = await newTarget();
    const engine = await target.open();
    try {
      await applyMigrations(engine, applied);
      const results = await runPreflight(await preflightContext(engine, { migrations: project }));
      expect(results.map((result) => result.id)).toEqual(preflightChecks.map((registered) => registered.id));
      expect(results.map((result) => `${result.id}: ${result.status}`)).toEqual([
        "preflight.connection: pass",
        "preflight.extensions: pass",
        "preflight.privileges: pass",
        "preflight.search_path: pass",
        "preflight.blocking_sessions: pass",
        "preflight.long_transactions: pass",
        "preflight.replication_lag: skip",
        "preflight.checksums: pass",
        "preflight.history: pass",
      ]);
      expect(preflightBlocks(results)).toBe(false);
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});

describe("runPreflight failures", () => {
  const db = useTestDatabase();

  it("turns a server error into a failed check, rolls back what the check left open, and goes on", async () => {
    const leavesTransactionOpen = check("preflight.test_breaks", async ({ engine }) => {
      await engine.exec("BEGIN; CREATE TABLE leftover (id int);");
      await engine.query("SELECT * FROM nowhere");
      throw new Error("unreachable");
    });
    const results = await runPreflight(await preflightContext(db.current.engine), { checks: [leavesTransactionOpen, passing] });
    expect(results).toEqual([
      {
        id: "preflight.test_breaks",
        status: "fail",
        summary: 'could not run: relation "nowhere" does not exist (42P01 undefined_table)',
        observed: { error: { sqlstate: "42P01", message: 'relation "nowhere" does not exist' } },
        details: ['42P01 undefined_table: relation "nowhere" does not exist'],
      },
      expect.objectContaining({ id: "preflight.test_passes", status: "pass" }),
    ]);
    expect(preflightBlocks(results)).toBe(true);
    const [leftover] = await db.current.query<{ present: boolean }>("SELECT to_regclass('leftover') IS NOT NULL AS present");
    expect(leftover?.present).toBe(false);
  });

  it("lets any other exception through", async () => {
    const buggy = check("preflight.test_bug", async () => {
      throw new TypeError("a drydock bug");
    });
    await expect(runPreflight(await preflightContext(db.current.engine), { checks: [buggy, passing] })).rejects.toThrow("a drydock bug");
  });
});

describe("preflightBlocks", () => {
  const result = (status: CheckResult["status"]): CheckResult => ({ id: "preflight.x", status, summary: "", observed: {}, details: [] });

  it("blocks on a fail only", () => {
    expect(preflightBlocks([result("pass"), result("warn"), result("skip")])).toBe(false);
    expect(preflightBlocks([result("pass"), result("fail")])).toBe(true);
    expect(preflightBlocks([])).toBe(false);
  });
});
