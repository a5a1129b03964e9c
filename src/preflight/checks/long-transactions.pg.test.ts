import { describe, expect, it } from "vitest";
import { createTarget } from "../../../test/support/engines.js";
import { runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { longTransactions } from "./long-transactions.js";

const db = useTestDatabase();
const alterT = { "0001_add_v.sql": "ALTER TABLE t ADD COLUMN v int;" };
const shortLimit = '[apply]\nlong_transaction = "200ms"\n';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("preflight.long_transactions", () => {
  it("warns on an old transaction elsewhere, fails on one that locks a table the plan touches", async () => {
    await db.current.exec("CREATE TABLE t (id int); CREATE TABLE u (id int);");
    const elsewhere = await openEngine(parseTargetUrl(db.current.url), { applicationName: "batch" });
    const onT = await openEngine(parseTargetUrl(db.current.url), { applicationName: "console" });
    try {
      await elsewhere.exec("BEGIN; SELECT * FROM u WHERE id = 42");
      await sleep(300);
      const warned = await runPreflightCheck(longTransactions, db.current.engine, { migrations: alterT, config: shortLimit });
      expect(warned).toMatchObject({
        id: "preflight.long_transactions",
        status: "warn",
        observed: { limit_ms: 200, open_transactions: 1, long_transactions: 1, touching_plan: 0 },
      });
      expect(warned.summary).toMatch(/^1 transaction open longer than 200ms, none touching the plan's relations \(oldest \d+ms\)$/);
      expect(warned.details).toEqual([
        expect.stringMatching(
          /^pid \d+ \(postgres, "batch", idle in transaction, transaction open [^)]+\) touches nothing the plan locks: BEGIN; SELECT \* FROM u WHERE id = 42$/,
        ),
      ]);
      expect(warned.observed.oldest_ms).toBeGreaterThanOrEqual(300);

      await onT.exec("BEGIN; SELECT count(*) FROM t");
      await sleep(300);
      const failed = await runPreflightCheck(longTransactions, db.current.engine, { migrations: alterT, config: shortLimit });
      expect(failed).toMatchObject({ status: "fail", observed: { open_transactions: 2, long_transactions: 2, touching_plan: 1 } });
      expect(failed.summary).toMatch(/^1 transaction open longer than 200ms locks relations the plan touches \(pid \d+\)$/);
      expect(failed.details[0]).toMatch(
        /^pid \d+ \(postgres, "console", idle in transaction, transaction open [^)]+\) locks public\.t: BEGIN; SELECT count\(\*\) FROM t$/,
      );

      const defaultLimit = await runPreflightCheck(longTransactions, db.current.engine, { migrations: alterT });
      expect(defaultLimit).toMatchObject({
        status: "pass",
        summary: "no transaction open longer than 5m (apply.long_transaction = 5m; 2 open transactions)",
        observed: { limit_ms: 300_000, open_transactions: 2, long_transactions: 0 },
      });
    } finally {
      await elsewhere.close();
      await onT.close();
    }
  });

  it("skips when apply.long_transaction is 0", async () => {
    const result = await runPreflightCheck(longTransactions, db.current.engine, { config: '[apply]\nlong_transaction = "0"\n' });
    expect(result).toMatchObject({ status: "skip", observed: { limit_ms: 0 } });
  });

  it("passes on PGlite, whose only transaction is its own", async () => {
    const target = await createTarget("pglite");
    const engine = await target.open();
    try {
      await engine.exec("CREATE TABLE t (id int);");
      const result = await runPreflightCheck(longTransactions, engine, { migrations: alterT, config: shortLimit });
      expect(result).toMatchObject({ status: "pass", observed: { open_transactions: 0, long_transactions: 0 } });
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});
