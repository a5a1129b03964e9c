import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { reindexNotConcurrent } from "./reindex-not-concurrent.js";

const before = ["CREATE TABLE items (id int PRIMARY KEY);"];

describe("reindex-not-concurrent", () => {
  it("reports REINDEX TABLE without CONCURRENTLY", async () => {
    const found = await lintSql(reindexNotConcurrent, "SELECT 1;\nREINDEX TABLE items;", { before });
    expect(found).toMatchObject([
      {
        rule: "reindex-not-concurrent",
        severity: "error",
        line: 2,
        column: 1,
        message: expect.stringContaining("the indexes of public.items"),
      },
    ]);
  });

  it.each([
    ["REINDEX INDEX", "REINDEX INDEX items_pkey;", "index public.items_pkey"],
    ["REINDEX SCHEMA", "REINDEX SCHEMA public;", "every index in schema public"],
    ["REINDEX (CONCURRENTLY false)", "REINDEX (CONCURRENTLY false) TABLE items;", "public.items"],
  ])("reports %s", async (_, sql, text) => {
    expect(await lintSql(reindexNotConcurrent, sql, { before })).toMatchObject([
      { line: 1, column: 1, message: expect.stringContaining(text) },
    ]);
  });

  it("suggests a concurrent rebuild by hand before PostgreSQL 12", async () => {
    const found = await lintSql(reindexNotConcurrent, "REINDEX TABLE items;", { before, serverMajor: 11 });
    expect(found).toMatchObject([{ line: 1, column: 1, alternative: expect.stringContaining("no REINDEX CONCURRENTLY") }]);
  });

  it.each([
    ["CONCURRENTLY", "REINDEX TABLE CONCURRENTLY items;"],
    ["the (CONCURRENTLY) option", "REINDEX (CONCURRENTLY) INDEX items_pkey;"],
    ["REINDEX SYSTEM, which has no concurrent form", "REINDEX SYSTEM;"],
    ["a table created in the same migration", "CREATE TABLE t (id int PRIMARY KEY);\nREINDEX TABLE t;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(reindexNotConcurrent, sql, { before, noTransaction: true })).toEqual([]));
});
