import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { renameTable } from "./rename-table.js";

const before = ["CREATE TABLE users (id int); CREATE SCHEMA archive;"];

describe("rename-table", () => {
  it("reports ALTER TABLE … RENAME TO on an existing table", async () => {
    const found = await lintSql(renameTable, "-- rename\nALTER TABLE users RENAME TO accounts;", { before });
    expect(found).toMatchObject([
      {
        rule: "rename-table",
        severity: "warning",
        line: 2,
        column: 1,
        message: "renaming public.users to public.accounts breaks every client that still uses public.users",
      },
    ]);
  });

  it("reports SET SCHEMA, which changes the qualified name", async () => {
    const found = await lintSql(renameTable, "ALTER TABLE users SET SCHEMA archive;", { before });
    expect(found).toMatchObject([{ rule: "rename-table", line: 1, column: 1, message: expect.stringContaining("archive.users") }]);
  });

  it("reports a rename followed by a view under another name", async () => {
    const found = await lintSql(renameTable, "ALTER TABLE users RENAME TO accounts;\nCREATE VIEW people AS SELECT * FROM accounts;", {
      before,
    });
    expect(found).toHaveLength(1);
  });

  it.each([
    ["a table created earlier in the same migration", "CREATE TABLE users_new (id int);\nALTER TABLE users_new RENAME TO users_v2;"],
    [
      "a rename followed by a view under the old name",
      "ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;",
    ],
    ["renaming a column", "ALTER TABLE users RENAME COLUMN id TO user_id;"],
    ["renaming an index", "ALTER INDEX users_pkey RENAME TO users_id_key;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(renameTable, sql, { before })).toEqual([]));
});
