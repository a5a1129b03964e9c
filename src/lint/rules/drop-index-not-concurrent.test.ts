import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { dropIndexNotConcurrent } from "./drop-index-not-concurrent.js";

const before = ["CREATE SCHEMA app; CREATE TABLE app.users (email text); CREATE INDEX users_email ON app.users (email);"];

describe("drop-index-not-concurrent", () => {
  it("reports DROP INDEX of an existing index", async () => {
    const found = await lintSql(dropIndexNotConcurrent, "SELECT 1; DROP INDEX IF EXISTS app.users_email;", { before });
    expect(found).toMatchObject([
      { rule: "drop-index-not-concurrent", severity: "warning", line: 1, column: 11, message: expect.stringContaining("app.users_email") },
    ]);
  });

  it.each([
    ["CONCURRENTLY", "DROP INDEX CONCURRENTLY IF EXISTS app.users_email;"],
    ["an index created in the same migration", "CREATE INDEX tmp_idx ON app.users (email);\nDROP INDEX app.tmp_idx;"],
    ["DROP TABLE", "DROP TABLE app.users;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(dropIndexNotConcurrent, sql, { before })).toEqual([]));
});
