import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { dropTable } from "./drop-table.js";

const before = ["CREATE TABLE users (id int); CREATE TABLE sessions (id int); CREATE SCHEMA app;"];

describe("drop-table", () => {
  it("reports DROP TABLE of a table an earlier migration created", async () => {
    const found = await lintSql(dropTable, "SELECT 1;\n  DROP TABLE users;", { before });
    expect(found).toMatchObject([
      { rule: "drop-table", severity: "warning", line: 2, column: 3, message: expect.stringContaining("public.users") },
    ]);
  });

  it("reports each existing table of a multi-table DROP, and says what CASCADE adds", async () => {
    const found = await lintSql(dropTable, "CREATE TABLE scratch (id int);\nDROP TABLE IF EXISTS users, scratch, sessions CASCADE;", {
      before,
    });
    expect(found).toMatchObject([
      { rule: "drop-table", line: 2, column: 1, message: expect.stringMatching(/public\.users.*CASCADE/) },
      { rule: "drop-table", line: 2, column: 1, message: expect.stringContaining("public.sessions") },
    ]);
  });

  it("reports a table drydock does not know (it exists, or the DROP would fail)", async () => {
    expect(await lintSql(dropTable, "DROP TABLE legacy.audit;")).toMatchObject([{ rule: "drop-table", line: 1, column: 1 }]);
  });

  it("is suppressed by -- drydock:allow", async () => {
    const found = await lintSql(dropTable, "-- drydock:allow drop-table replaced by accounts in 0042\nDROP TABLE users;", { before });
    expect(found).toMatchObject([{ rule: "drop-table", suppressed: true, suppression_reason: "replaced by accounts in 0042" }]);
  });

  it.each([
    ["a table created earlier in the same migration", "CREATE TABLE tmp (id int);\nDROP TABLE tmp;"],
    [
      "a table created in the same migration, named through SET search_path",
      "CREATE TABLE app.tmp (id int);\nSET search_path TO app;\nDROP TABLE tmp;",
    ],
    ["a view", "DROP VIEW users_view;"],
    ["an index", "DROP INDEX users_pkey;"],
    ["a column", "ALTER TABLE users DROP COLUMN id;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(dropTable, sql, { before })).toEqual([]));
});
