import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { updateWithoutWhere } from "./update-without-where.js";

const before = ["CREATE TABLE users (id int, email text, plan text);"];

describe("update-without-where", () => {
  it("reports UPDATE without WHERE on an existing table", async () => {
    const found = await lintSql(updateWithoutWhere, "SELECT 1;\nUPDATE users SET plan = 'free';", { before });
    expect(found).toMatchObject([
      {
        rule: "update-without-where",
        severity: "warning",
        line: 2,
        column: 1,
        message: "UPDATE without a WHERE clause overwrites plan in every row of public.users",
      },
    ]);
  });

  it.each([
    ["WHERE true", "UPDATE users SET plan = 'free' WHERE true;"],
    [
      "an UPDATE inside a WITH clause",
      "WITH changed AS (UPDATE users SET email = lower(email) RETURNING id) SELECT count(*) FROM changed;",
    ],
  ])("reports %s", async (_, sql) => {
    expect(await lintSql(updateWithoutWhere, sql, { before })).toMatchObject([{ rule: "update-without-where", line: 1, column: 1 }]);
  });

  it("reports a backfill that also overwrites an existing column", async () => {
    const sql = "ALTER TABLE users ADD COLUMN tier text;\nUPDATE users SET tier = plan, plan = NULL;";
    expect(await lintSql(updateWithoutWhere, sql, { before })).toMatchObject([
      { rule: "update-without-where", line: 2, column: 1, message: expect.stringContaining("tier, plan") },
    ]);
  });

  it.each([
    ["a WHERE clause", "UPDATE users SET plan = 'free' WHERE plan IS NULL;"],
    ["a table created earlier in the same migration", "CREATE TABLE staging (v int);\nUPDATE staging SET v = 0;"],
    [
      "a backfill of a column added earlier in the same migration",
      "ALTER TABLE users ADD COLUMN domain text;\nUPDATE users SET domain = split_part(email, '@', 2);",
    ],
    [
      "an UPDATE in a function body (it runs later)",
      "CREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $$ UPDATE users SET plan = 'free' $$;",
    ],
  ])("accepts %s", async (_, sql) => expect(await lintSql(updateWithoutWhere, sql, { before })).toEqual([]));
});
