import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { notIdempotentOutsideTransaction } from "./not-idempotent-outside-transaction.js";

const before = ["CREATE TABLE users (id int, email text, legacy text); CREATE INDEX users_legacy ON users (legacy);"];

describe("not-idempotent-outside-transaction", () => {
  it("reports CREATE INDEX CONCURRENTLY without IF NOT EXISTS", async () => {
    const found = await lintSql(
      notIdempotentOutsideTransaction,
      "-- drydock:no-transaction\n  CREATE INDEX CONCURRENTLY users_email ON users (email);",
      {
        before,
      },
    );
    expect(found).toMatchObject([
      {
        rule: "not-idempotent-outside-transaction",
        severity: "warning",
        line: 2,
        column: 3,
        message: expect.stringContaining("index public.users_email already exists"),
      },
    ]);
  });

  it.each([
    ["CREATE TABLE", "CREATE TABLE audit (id int);", "table public.audit already exists"],
    ["CREATE SCHEMA", "CREATE SCHEMA reporting;", "schema reporting already exists"],
    ["DROP without IF EXISTS", "DROP INDEX CONCURRENTLY users_legacy;", "index public.users_legacy is gone"],
    ["ADD COLUMN without IF NOT EXISTS", "ALTER TABLE users ADD COLUMN note text;", "ADD COLUMN note"],
    ["DROP COLUMN without IF EXISTS", "ALTER TABLE users DROP COLUMN legacy;", "DROP COLUMN legacy"],
    ["an index without a name", "CREATE INDEX CONCURRENTLY ON users (email);", "builds a second index"],
  ])("reports %s", async (_, sql, text) => {
    const found = await lintSql(notIdempotentOutsideTransaction, sql, { before, noTransaction: true });
    expect(found).toMatchObject([
      { rule: "not-idempotent-outside-transaction", line: 1, column: 1, message: expect.stringContaining(text) },
    ]);
  });

  it("reports a statement in a file that runs its own transactions", async () => {
    const sql = "BEGIN;\nCREATE TABLE audit (id int);\nCOMMIT;\nBEGIN;\nCREATE INDEX IF NOT EXISTS audit_id ON audit (id);\nCOMMIT;";
    expect(await lintSql(notIdempotentOutsideTransaction, sql, { before })).toMatchObject([{ line: 2, column: 1 }]);
  });

  it.each([
    ["IF NOT EXISTS", "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);"],
    ["DROP … IF EXISTS first", "DROP INDEX CONCURRENTLY IF EXISTS users_email;\nCREATE INDEX CONCURRENTLY users_email ON users (email);"],
    ["DROP … IF EXISTS", "DROP INDEX CONCURRENTLY IF EXISTS users_legacy;"],
    [
      "ADD COLUMN IF NOT EXISTS and DROP COLUMN IF EXISTS",
      "ALTER TABLE users ADD COLUMN IF NOT EXISTS note text, DROP COLUMN IF EXISTS legacy;",
    ],
    ["DROP COLUMN IF EXISTS, then ADD COLUMN", "ALTER TABLE users DROP COLUMN IF EXISTS note, ADD COLUMN note text;"],
    ["CREATE OR REPLACE", "CREATE OR REPLACE FUNCTION one() RETURNS int LANGUAGE sql AS 'select 1';"],
    ["a DROP of what the migration creates", "CREATE TABLE IF NOT EXISTS scratch (id int);\nDROP TABLE scratch;"],
    ["a statement that creates nothing", "UPDATE users SET email = lower(email);"],
  ])("accepts %s", async (_, sql) =>
    expect(await lintSql(notIdempotentOutsideTransaction, sql, { before, noTransaction: true })).toEqual([]),
  );

  it("accepts everything in a migration run as one transaction", async () => {
    expect(
      await lintSql(notIdempotentOutsideTransaction, "CREATE TABLE audit (id int);\nALTER TABLE users ADD COLUMN note text;", { before }),
    ).toEqual([]);
  });
});
