import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { statementTimeoutMissing } from "./statement-timeout-missing.js";

const before = ["CREATE TABLE users (id int, email text);"];

describe("statement-timeout-missing", () => {
  it("reports once per migration, at the first strong lock on an existing table", async () => {
    const sql = "SET lock_timeout = '3s';\nCREATE INDEX users_email ON users (email);\nALTER TABLE users ADD COLUMN note text;";
    const found = await lintSql(statementTimeoutMissing, sql, { before });
    expect(found).toMatchObject([
      {
        rule: "statement-timeout-missing",
        severity: "info",
        line: 2,
        column: 1,
        message: expect.stringMatching(/public\.users gets ShareLock .* drydock apply sets statement_timeout itself/),
      },
    ]);
  });

  it.each([
    ["SET statement_timeout first", "SET statement_timeout = '5min';\nALTER TABLE users ADD COLUMN note text;"],
    ["SET LOCAL in a migration run as one transaction", "SET LOCAL statement_timeout = 60000;\nALTER TABLE users ADD COLUMN note text;"],
    ["only ROW EXCLUSIVE", "DELETE FROM users WHERE id = 1;"],
    ["a table created in the same migration", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN v int;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(statementTimeoutMissing, sql, { before })).toEqual([]));
});
