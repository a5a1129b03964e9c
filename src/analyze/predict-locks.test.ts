import { describe, expect, it } from "vitest";
import type { RelationLock } from "../model/analysis.js";
import { parseSql } from "../parse/parse-sql.js";
import { predictLocks } from "./predict-locks.js";

const publicSchema = (schema: string | undefined, name: string): string => `${schema ?? "public"}.${name}`;

async function locksOf(sql: string, qualify = publicSchema, serverMajor?: number): Promise<Record<string, string>> {
  const [statement] = (await parseSql("test.sql", sql)).statements;
  const locks: RelationLock[] = predictLocks(statement?.node ?? {}, qualify, serverMajor);
  expect(new Set(locks.map((lock) => lock.relation)).size).toBe(locks.length); // one entry per relation
  return Object.fromEntries(locks.map((lock) => [lock.relation, lock.mode]));
}

describe("predictLocks", () => {
  it.each([
    ["ALTER TABLE t ALTER a SET STATISTICS 10, ENABLE TRIGGER x", "ShareRowExclusiveLock"],
    ["ALTER TABLE t ALTER a SET STATISTICS 10, ENABLE TRIGGER x, DROP COLUMN b", "AccessExclusiveLock"],
    ["ALTER TABLE t VALIDATE CONSTRAINT c, SET (fillfactor = 70, autovacuum_enabled = off)", "ShareUpdateExclusiveLock"],
    ["ALTER TABLE t SET (fillfactor = 70, user_catalog_table = true)", "AccessExclusiveLock"],
    ["ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID, VALIDATE CONSTRAINT d", "AccessExclusiveLock"],
  ])("takes the strongest subcommand's lock: %s", async (sql, mode) => {
    expect(await locksOf(sql)).toEqual({ "public.t": mode });
  });

  it("locks both tables of a new foreign key", async () => {
    expect(await locksOf("ALTER TABLE t ADD CONSTRAINT t_o FOREIGN KEY (o_id) REFERENCES billing.o (id) NOT VALID")).toEqual({
      "public.t": "ShareRowExclusiveLock",
      "billing.o": "ShareRowExclusiveLock",
    });
    expect(await locksOf("ALTER TABLE t ADD COLUMN o_id int REFERENCES o")).toEqual({
      "public.t": "AccessExclusiveLock",
      "public.o": "ShareRowExclusiveLock",
    });
  });

  it("names relations through qualify, for RangeVars and name lists alike", async () => {
    const app = (schema: string | undefined, name: string) => `${schema ?? "app"}.${name}`;
    expect(await locksOf("CREATE INDEX i ON users (email)", app)).toEqual({ "app.users": "ShareLock" });
    expect(await locksOf("DROP TABLE users, audit.events", app)).toEqual({
      "app.users": "AccessExclusiveLock",
      "audit.events": "AccessExclusiveLock",
    });
    expect(await locksOf("DROP TRIGGER tr ON audit.events", app)).toEqual({ "audit.events": "AccessExclusiveLock" });
    expect(await locksOf("COMMENT ON COLUMN users.email IS 'x'", app)).toEqual({ "app.users": "ShareUpdateExclusiveLock" });
  });

  it("reports nothing for the table being created, only the tables it points at", async () => {
    expect(await locksOf("CREATE TABLE c (id int PRIMARY KEY, parent int REFERENCES c)")).toEqual({});
    expect(await locksOf("CREATE TABLE c (o_id int REFERENCES o, LIKE l)")).toEqual({
      "public.o": "ShareRowExclusiveLock",
      "public.l": "AccessShareLock",
    });
    expect(await locksOf("CREATE TABLE c PARTITION OF p DEFAULT")).toEqual({ "public.p": "AccessExclusiveLock" });
    expect(await locksOf("CREATE TABLE c () INHERITS (p)")).toEqual({ "public.p": "ShareUpdateExclusiveLock" });
  });

  it("resolves unqualified names inside CREATE SCHEMA to the new schema", async () => {
    expect(await locksOf("CREATE SCHEMA x CREATE TABLE y (z_id int REFERENCES z)")).toEqual({ "x.z": "ShareRowExclusiveLock" });
  });

  it("separates written, row-locked and read tables, and skips CTE names", async () => {
    expect(await locksOf("WITH recent AS (SELECT * FROM events) UPDATE t SET a = (SELECT count(*) FROM recent) FROM o")).toEqual({
      "public.events": "AccessShareLock",
      "public.t": "RowExclusiveLock",
      "public.o": "AccessShareLock",
    });
    expect(await locksOf("UPDATE t SET a = (SELECT max(a) FROM t)")).toEqual({ "public.t": "RowExclusiveLock" });
    expect(await locksOf("SELECT * FROM t x JOIN o ON true FOR UPDATE OF x")).toEqual({
      "public.t": "RowShareLock",
      "public.o": "AccessShareLock",
    });
    expect(await locksOf("COPY (SELECT * FROM t) TO STDOUT")).toEqual({ "public.t": "AccessShareLock" });
    expect(await locksOf("MERGE INTO t USING o ON t.id = o.id WHEN MATCHED THEN DELETE")).toEqual({
      "public.t": "RowExclusiveLock",
      "public.o": "AccessShareLock",
    });
  });

  it.each([
    ["CREATE INDEX CONCURRENTLY i ON t (a)", { "public.t": "ShareUpdateExclusiveLock" }],
    ["DROP INDEX CONCURRENTLY i", { "public.i": "ShareUpdateExclusiveLock" }],
    ["DROP INDEX i", { "public.i": "AccessExclusiveLock" }],
    ["REINDEX (CONCURRENTLY) TABLE t", { "public.t": "ShareUpdateExclusiveLock" }],
    ["REINDEX INDEX i", { "public.i": "AccessExclusiveLock" }],
    ["ALTER TABLE p DETACH PARTITION c CONCURRENTLY", { "public.p": "ShareUpdateExclusiveLock", "public.c": "AccessExclusiveLock" }],
    ["REFRESH MATERIALIZED VIEW CONCURRENTLY mv", { "public.mv": "ExclusiveLock" }],
    ["VACUUM (FULL false, ANALYZE) t", { "public.t": "ShareUpdateExclusiveLock" }],
    ["VACUUM FULL t", { "public.t": "AccessExclusiveLock" }],
    ["CREATE OR REPLACE VIEW v AS SELECT * FROM t", { "public.v": "AccessExclusiveLock", "public.t": "AccessShareLock" }],
    ["LOCK TABLE t IN ROW EXCLUSIVE MODE", { "public.t": "RowExclusiveLock" }],
    ["LOCK TABLE t", { "public.t": "AccessExclusiveLock" }],
    ["COMMENT ON CONSTRAINT c ON t IS 'x'", { "public.t": "AccessShareLock" }],
  ])("%s", async (sql, expected) => {
    expect(await locksOf(sql)).toEqual(expected);
  });

  it("uses the server version where PostgreSQL 12 lowered a lock", async () => {
    const attach = "ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)";
    expect(await locksOf(attach, publicSchema, 11)).toEqual({ "public.p": "AccessExclusiveLock", "public.c": "AccessExclusiveLock" });
    expect(await locksOf(attach, publicSchema, 12)).toEqual({ "public.p": "ShareUpdateExclusiveLock", "public.c": "AccessExclusiveLock" });
    expect(await locksOf("ALTER INDEX i RENAME TO j", publicSchema, 11)).toEqual({ "public.i": "AccessExclusiveLock" });
    expect(await locksOf("ALTER INDEX i RENAME TO j")).toEqual({ "public.i": "ShareUpdateExclusiveLock" });
  });

  it.each([
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE TYPE mood AS ENUM ('ok')",
    "CREATE SCHEMA app",
    "CREATE EXTENSION pgcrypto",
    "CREATE SEQUENCE s",
    "DO $$ BEGIN PERFORM 1; END $$",
    "SET lock_timeout = '1s'",
    "BEGIN",
    "GRANT SELECT ON t TO PUBLIC",
    "VACUUM",
    "REINDEX SCHEMA app",
    "ALTER TYPE pair ADD ATTRIBUTE c int",
    "DROP FUNCTION f()",
  ])("locks no relation it names: %s", async (sql) => {
    expect(await locksOf(sql)).toEqual({});
  });
});
