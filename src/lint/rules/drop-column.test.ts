import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { dropColumn } from "./drop-column.js";

const before = ["CREATE TABLE users (id int, email text, legacy_name text);"];

describe("drop-column", () => {
  it("reports DROP COLUMN on an existing table", async () => {
    const found = await lintSql(dropColumn, "SELECT 1;\nALTER TABLE users DROP COLUMN email;", { before });
    expect(found).toMatchObject([
      { rule: "drop-column", severity: "warning", line: 2, column: 1, message: expect.stringContaining("public.users.email") },
    ]);
  });

  it("reports each dropped column of one ALTER TABLE", async () => {
    const found = await lintSql(dropColumn, "ALTER TABLE users DROP COLUMN email, DROP COLUMN IF EXISTS legacy_name CASCADE;", { before });
    expect(found.map((finding) => finding.message)).toEqual([
      expect.stringContaining("public.users.email"),
      expect.stringMatching(/public\.users\.legacy_name.*CASCADE/),
    ]);
  });

  it.each([
    ["a table created earlier in the same migration", "CREATE TABLE t (id int, x int);\nALTER TABLE t DROP COLUMN x;"],
    ["a column added earlier in the same migration", "ALTER TABLE users ADD COLUMN tmp int;\nALTER TABLE users DROP COLUMN tmp;"],
    ["an attribute of a composite type", "CREATE TYPE pair AS (a int, b int); ALTER TYPE pair DROP ATTRIBUTE b;"],
    ["another ALTER TABLE action", "ALTER TABLE users ALTER COLUMN email SET NOT NULL, DROP CONSTRAINT users_email_key;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(dropColumn, sql, { before })).toEqual([]));
});
