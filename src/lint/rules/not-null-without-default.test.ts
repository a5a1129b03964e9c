import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { notNullWithoutDefault } from "./not-null-without-default.js";

const before = ["CREATE TABLE users (id int);"];

describe("not-null-without-default", () => {
  it("reports ADD COLUMN … NOT NULL without a DEFAULT on an existing table", async () => {
    const found = await lintSql(notNullWithoutDefault, "SELECT 1;\n  ALTER TABLE users ADD COLUMN email text NOT NULL;", { before });
    expect(found).toMatchObject([
      {
        rule: "not-null-without-default",
        severity: "error",
        line: 2,
        column: 3,
        message: "ADD COLUMN email NOT NULL without a DEFAULT fails as soon as public.users has a row",
      },
    ]);
  });

  it.each([
    ["DEFAULT NULL", "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT NULL;"],
    ["DEFAULT NULL::text", "ALTER TABLE users ADD COLUMN email text DEFAULT NULL::text NOT NULL;"],
    ["a PRIMARY KEY column (implicitly NOT NULL)", "ALTER TABLE users ADD COLUMN uuid uuid PRIMARY KEY;"],
    ["ADD COLUMN IF NOT EXISTS", "ALTER TABLE users ADD COLUMN IF NOT EXISTS email text NOT NULL;"],
    ["a table drydock does not know (ALTER TABLE means it exists)", "ALTER TABLE legacy ADD email text NOT NULL;"],
  ])("reports %s", async (_, sql) => {
    expect(await lintSql(notNullWithoutDefault, sql, { before })).toMatchObject([{ rule: "not-null-without-default", line: 1, column: 1 }]);
  });

  it.each([
    ["a DEFAULT", "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';"],
    ["a nullable column", "ALTER TABLE users ADD COLUMN email text;"],
    ["an identity column", "ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY NOT NULL;"],
    ["a generated column", "ALTER TABLE users ADD COLUMN twice int NOT NULL GENERATED ALWAYS AS (id * 2) STORED;"],
    ["a serial column", "ALTER TABLE users ADD COLUMN seq bigserial NOT NULL;"],
    ["a table created earlier in the same migration", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN email text NOT NULL;"],
    ["SET NOT NULL (another rule)", "ALTER TABLE users ALTER COLUMN id SET NOT NULL;"],
    ["NOT NULL in CREATE TABLE", "CREATE TABLE t (email text NOT NULL);"],
    // langfuse 20240807111359_add_organizations_main_migration: memberships moved, table emptied, then the column added.
    ["a table emptied by DELETE without WHERE earlier", "DELETE FROM users;\nALTER TABLE users ADD COLUMN org_id text NOT NULL;"],
    ["a table emptied by TRUNCATE earlier", "TRUNCATE users;\nALTER TABLE users ADD COLUMN org_id text NOT NULL;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(notNullWithoutDefault, sql, { before })).toEqual([]));

  it.each([
    ["DELETE with a WHERE", "DELETE FROM users WHERE id > 10;"],
    ["DELETE of another table", "DELETE FROM other;"],
    ["DELETE then INSERT", "DELETE FROM users;\nINSERT INTO users VALUES (1);"],
    ["TRUNCATE then COPY FROM", "TRUNCATE users;\nCOPY users FROM '/tmp/users.csv';"],
    ["nothing (the DELETE comes after)", ""],
  ])("reports ADD COLUMN … NOT NULL after %s", async (_, earlier) => {
    const sql = `${earlier}\nALTER TABLE users ADD COLUMN org_id text NOT NULL;\nDELETE FROM users;`;
    expect(await lintSql(notNullWithoutDefault, sql, { before })).toMatchObject([{ rule: "not-null-without-default" }]);
  });
});
