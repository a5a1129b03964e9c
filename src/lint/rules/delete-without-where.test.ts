import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { deleteWithoutWhere } from "./delete-without-where.js";

const before = ["CREATE TABLE sessions (id int, expires_at timestamptz); CREATE TABLE users (id int);"];

describe("delete-without-where", () => {
  it("reports DELETE without WHERE on an existing table", async () => {
    const found = await lintSql(deleteWithoutWhere, "SELECT 1;\n  DELETE FROM sessions;", { before });
    expect(found).toMatchObject([
      {
        rule: "delete-without-where",
        severity: "warning",
        line: 2,
        column: 3,
        message: "DELETE without a WHERE clause deletes every row of public.sessions",
      },
    ]);
  });

  it.each([
    ["WHERE true", "DELETE FROM sessions WHERE true;"],
    ["WHERE 1 = 1", "DELETE FROM sessions WHERE 1 = 1;"],
    ["a USING join without a condition", "DELETE FROM sessions USING users;"],
    ["a DELETE inside a WITH clause", "WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone;"],
  ])("reports %s", async (_, sql) => {
    expect(await lintSql(deleteWithoutWhere, sql, { before })).toMatchObject([{ rule: "delete-without-where", line: 1, column: 1 }]);
  });

  it.each([
    ["a WHERE clause", "DELETE FROM sessions WHERE expires_at < now();"],
    ["a WHERE with a subquery", "DELETE FROM sessions WHERE id IN (SELECT id FROM users);"],
    ["WHERE CURRENT OF a cursor", "DELETE FROM sessions WHERE CURRENT OF c;"],
    ["a table created earlier in the same migration", "CREATE TABLE staging (id int);\nDELETE FROM staging;"],
    ["a DELETE in a function body (it runs later)", "CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM sessions $$;"],
    ["a DELETE rule action", "CREATE RULE no_delete AS ON DELETE TO users DO INSTEAD DELETE FROM sessions;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(deleteWithoutWhere, sql, { before })).toEqual([]));
});
