import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { renameColumn } from "./rename-column.js";

const before = ["CREATE TABLE users (id int, email text); CREATE VIEW user_emails AS SELECT email FROM users;"];

describe("rename-column", () => {
  it("reports RENAME COLUMN on an existing table", async () => {
    const found = await lintSql(renameColumn, "SELECT 1;\n    ALTER TABLE users RENAME COLUMN email TO email_address;", { before });
    expect(found).toMatchObject([
      {
        rule: "rename-column",
        severity: "warning",
        line: 2,
        column: 5,
        message: "renaming public.users.email to email_address breaks every client that still uses the old name",
      },
    ]);
  });

  it("reports RENAME without the COLUMN keyword, and on a view", async () => {
    const found = await lintSql(
      renameColumn,
      "ALTER TABLE users RENAME email TO mail;\nALTER VIEW user_emails RENAME COLUMN email TO mail;",
      {
        before,
      },
    );
    expect(found).toMatchObject([
      { rule: "rename-column", line: 1, column: 1 },
      { rule: "rename-column", line: 2, column: 1, message: expect.stringContaining("public.user_emails.email") },
    ]);
  });

  it.each([
    ["a table created earlier in the same migration", "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;"],
    ["a column added earlier in the same migration", "ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users RENAME nick TO nickname;"],
    ["renaming the table", "ALTER TABLE users RENAME TO accounts;"],
    ["renaming a constraint", "ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_id_pkey;"],
    ["an attribute of a composite type", "CREATE TYPE pair AS (a int); ALTER TYPE pair RENAME ATTRIBUTE a TO b;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(renameColumn, sql, { before })).toEqual([]));
});
