import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { lockTimeoutMissing } from "./lock-timeout-missing.js";

const before = ["CREATE TABLE users (id int, email text); CREATE TABLE orders (id int);"];

describe("lock-timeout-missing", () => {
  it("reports once per migration, at the first strong lock on an existing table", async () => {
    const sql = "INSERT INTO users VALUES (1, 'a');\nALTER TABLE users ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN note text;";
    const found = await lintSql(lockTimeoutMissing, sql, { before });
    expect(found).toMatchObject([
      {
        rule: "lock-timeout-missing",
        severity: "info",
        line: 2,
        column: 1,
        message: expect.stringMatching(/public\.users gets AccessExclusiveLock .* drydock apply sets lock_timeout itself/),
      },
    ]);
  });

  it.each([
    ["SET after the statement", "CREATE INDEX CONCURRENTLY users_email ON users (email);\nSET lock_timeout = '2s';", 1, true],
    ["a zero timeout", "SET lock_timeout = 0;\nALTER TABLE users DROP COLUMN email;", 2, false],
    ["a timeout reset to its default", "SET lock_timeout = '2s';\nRESET lock_timeout;\nALTER TABLE users DROP COLUMN email;", 3, false],
    [
      "SET LOCAL statement by statement, where it lasts one statement",
      "SET LOCAL lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;",
      2,
      true,
    ],
  ])("reports %s", async (_, sql, line, noTransaction) => {
    const found = await lintSql(lockTimeoutMissing, sql as string, { before, noTransaction: noTransaction as boolean });
    expect(found).toMatchObject([{ rule: "lock-timeout-missing", severity: "info", line, column: 1 }]);
  });

  it.each([
    ["SET lock_timeout first", "SET lock_timeout = '3s';\nALTER TABLE users ADD COLUMN note text;", false],
    ["SET LOCAL in a migration run as one transaction", "SET LOCAL lock_timeout TO '3s';\nALTER TABLE users ADD COLUMN note text;", false],
    [
      "SET LOCAL inside the file's own BEGIN",
      "BEGIN;\nSET LOCAL lock_timeout = '3s';\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;",
      true,
    ],
    ["set_config()", "SELECT set_config('lock_timeout', '3s', false);\nALTER TABLE users ADD COLUMN note text;", false],
    ["locks no stronger than ROW EXCLUSIVE", "UPDATE users SET email = lower(email);\nSELECT * FROM orders;", false],
    [
      "a table created in the same migration",
      "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nALTER TABLE t ADD COLUMN v int;",
      false,
    ],
  ])("accepts %s", async (_, sql, noTransaction) =>
    expect(await lintSql(lockTimeoutMissing, sql as string, { before, noTransaction: noTransaction as boolean })).toEqual([]),
  );
});
