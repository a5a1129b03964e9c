import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { dropNotNull } from "./drop-not-null.js";

const before = ["CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);"];

describe("drop-not-null", () => {
  it("reports DROP NOT NULL on a column of an existing table", async () => {
    const found = await lintSql(dropNotNull, "\n\nALTER TABLE users\n  ALTER COLUMN email DROP NOT NULL;", { before });
    expect(found).toMatchObject([
      { rule: "drop-not-null", severity: "warning", line: 3, column: 1, message: expect.stringContaining("public.users.email") },
    ]);
  });

  it.each([
    ["a table created earlier in the same migration", "CREATE TABLE t (x int NOT NULL);\nALTER TABLE t ALTER COLUMN x DROP NOT NULL;"],
    [
      "a column added earlier in the same migration",
      "ALTER TABLE users ADD COLUMN x int NOT NULL DEFAULT 0;\nALTER TABLE users ALTER x DROP NOT NULL;",
    ],
    ["SET NOT NULL", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"],
    ["DROP DEFAULT", "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(dropNotNull, sql, { before })).toEqual([]));
});
