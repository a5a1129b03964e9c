import { describe, expect, it } from "vitest";
import { parseSql } from "../parse/parse-sql.js";
import { decideTransactionMode, nonTransactionalStatement } from "./transaction-mode.js";

const defaults = { noTransactionDirective: false, formatAllowsTransaction: true };

async function modeOf(sql: string, options = defaults) {
  const { statements } = await parseSql("migrations/0001_x.sql", sql);
  return decideTransactionMode(statements, options);
}

describe("decideTransactionMode", () => {
  it("runs ordinary DDL in one transaction", async () => {
    expect(await modeOf("CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\n")).toEqual({
      mode: "transaction",
      reason: "default",
      skip: [],
    });
  });

  it("runs an empty migration in a transaction", async () => {
    expect(await modeOf("-- nothing yet\n")).toEqual({ mode: "transaction", reason: "default", skip: [] });
  });

  it.each([
    ["CREATE INDEX CONCURRENTLY", "CREATE TABLE t (v int);\n\nCREATE INDEX CONCURRENTLY t_v ON t (v);", 3],
    ["DROP INDEX CONCURRENTLY", "DROP INDEX CONCURRENTLY IF EXISTS t_v;", 1],
    ["REINDEX CONCURRENTLY", "SELECT 1;\nREINDEX INDEX CONCURRENTLY t_v;", 2],
    ["VACUUM", "UPDATE t SET v = 0;\nVACUUM (ANALYZE) t;", 2],
    ["CREATE DATABASE", "CREATE DATABASE other;", 1],
    ["ALTER SYSTEM", "ALTER SYSTEM SET work_mem = '64MB';", 1],
    ["DETACH PARTITION CONCURRENTLY", "ALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY;", 1],
  ])("runs statement by statement for %s", async (refused, sql, line) => {
    expect(await modeOf(sql)).toEqual({
      mode: "statements",
      reason: `${refused} at line ${line} cannot run inside a transaction block`,
      skip: [],
    });
  });

  it.each([
    ["ANALYZE", "ANALYZE t;"],
    ["REINDEX without CONCURRENTLY", "REINDEX INDEX t_v;"],
    ["DROP INDEX without CONCURRENTLY", "DROP INDEX t_v;"],
    ["CLUSTER of one table", "CLUSTER t USING t_pkey;"],
  ])("keeps %s in a transaction", async (_, sql) => {
    expect((await modeOf(sql)).mode).toBe("transaction");
  });

  it("runs a DO block that commits statement by statement", async () => {
    const sql =
      "CREATE TABLE t (v int);\nDO $$\nBEGIN\n  FOR i IN 1..3 LOOP\n    INSERT INTO t VALUES (i);\n    COMMIT;\n  END LOOP;\nEND\n$$;";
    expect(await modeOf(sql)).toEqual({
      mode: "statements",
      reason: "a DO block that runs COMMIT or ROLLBACK at line 2 cannot run inside a transaction block",
      skip: [],
    });
  });

  it("recognises ROLLBACK and COMMIT AND CHAIN in a DO block", async () => {
    expect((await modeOf("DO $$ BEGIN ROLLBACK; END $$;")).mode).toBe("statements");
    expect((await modeOf("DO LANGUAGE plpgsql $body$ BEGIN commit and chain; END $body$;")).mode).toBe("statements");
  });

  it("runs a DO block whose RAISE NOTICE '-----' line is followed by COMMIT statement by statement", async () => {
    const sql = "DO $$\nBEGIN\n  RAISE NOTICE '-----';\n  UPDATE t SET v = 1;\n  COMMIT;\nEND\n$$;";
    expect((await modeOf(sql)).mode).toBe("statements");
  });

  it("runs a DO block whose comment holds a quote before COMMIT statement by statement", async () => {
    const sql = "DO $$\nBEGIN\n  -- don't wait\n  UPDATE t SET v = 1;\n  COMMIT;\nEND\n$$;";
    expect((await modeOf(sql)).mode).toBe("statements");
  });

  it.each([
    ["a string literal", "DO $$\nBEGIN\n  RAISE NOTICE 'COMMIT;';\nEND\n$$;"],
    ["a string literal with a doubled quote", "DO $$\nBEGIN\n  RAISE NOTICE 'it''s time to COMMIT;';\nEND\n$$;"],
    ["a line comment", "DO $$\nBEGIN\n  -- we COMMIT; later\n  PERFORM 1;\nEND\n$$;"],
    ["a block comment", "DO $$\nBEGIN\n  /* COMMIT;\n  ROLLBACK; */\n  PERFORM 1;\nEND\n$$;"],
    ["an identifier", "DO $$\nDECLARE commit_count int;\nBEGIN\n  commit_count := 1;\nEND\n$$;"],
  ])("keeps a DO block that mentions COMMIT only in %s in a transaction", async (_, sql) => {
    expect(await modeOf(sql)).toEqual({ mode: "transaction", reason: "default", skip: [] });
  });

  it("keeps a DO block in another language in a transaction", async () => {
    expect((await modeOf("DO LANGUAGE plperl $$ COMMIT; $$;")).mode).toBe("transaction");
  });

  it("replaces the file's own BEGIN … COMMIT and skips both", async () => {
    const sql = "BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN v int;\nCOMMIT;\n";
    expect(await modeOf(sql)).toEqual({
      mode: "transaction",
      reason: "the file's own BEGIN … COMMIT is replaced by drydock's transaction",
      skip: [0, 3],
    });
  });

  it("replaces START TRANSACTION … END as well", async () => {
    expect(await modeOf("START TRANSACTION;\nCREATE TABLE t (id int);\nEND;")).toMatchObject({ mode: "transaction", skip: [0, 2] });
  });

  it("runs statement by statement when a COMMIT stands in the middle", async () => {
    const sql = "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n";
    expect(await modeOf(sql)).toEqual({ mode: "statements", reason: "the file controls its own transactions (line 3)", skip: [] });
  });

  it("runs statement by statement when the file commits without a BEGIN", async () => {
    expect(await modeOf("CREATE TABLE a (id int);\nCOMMIT;\n")).toEqual({
      mode: "statements",
      reason: "the file controls its own transactions (line 2)",
      skip: [],
    });
  });

  it("runs statement by statement when the file ends with ROLLBACK", async () => {
    expect(await modeOf("BEGIN;\nCREATE TABLE a (id int);\nROLLBACK;\n")).toEqual({
      mode: "statements",
      reason: "the file controls its own transactions (line 1)",
      skip: [],
    });
  });

  it("keeps savepoints inside drydock's transaction", async () => {
    expect((await modeOf("SAVEPOINT s;\nCREATE TABLE a (id int);\nRELEASE SAVEPOINT s;\n")).mode).toBe("transaction");
  });

  it("obeys the no-transaction directive", async () => {
    expect(await modeOf("CREATE TABLE t (id int);", { noTransactionDirective: true, formatAllowsTransaction: true })).toEqual({
      mode: "statements",
      reason: "-- drydock:no-transaction",
      skip: [],
    });
  });

  it("obeys the format's own flag", async () => {
    expect(await modeOf("CREATE TABLE t (id int);", { noTransactionDirective: false, formatAllowsTransaction: false })).toEqual({
      mode: "statements",
      reason: "the migration format marks it as non-transactional",
      skip: [],
    });
  });
});

describe("nonTransactionalStatement", () => {
  it("describes the statement PostgreSQL refuses in a transaction block, or gives null", async () => {
    const { statements } = await parseSql("x.sql", "CREATE INDEX CONCURRENTLY i ON t (v);\nCREATE INDEX j ON t (v);\nDROP TABLESPACE ts;");
    expect(statements.map((statement) => nonTransactionalStatement(statement.node))).toEqual([
      "CREATE INDEX CONCURRENTLY",
      null,
      "DROP TABLESPACE",
    ]);
  });
});
