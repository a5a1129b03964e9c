import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { setNotNull } from "./set-not-null.js";

const before = ["CREATE TABLE users (id int, email text);"];

describe("set-not-null", () => {
  it("reports SET NOT NULL on an existing table", async () => {
    const found = await lintSql(setNotNull, "SELECT 1;\n\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", { before });
    expect(found).toMatchObject([
      {
        rule: "set-not-null",
        severity: "error",
        line: 3,
        column: 1,
        message: expect.stringContaining("public.users"),
        alternative: expect.stringContaining("CHECK (col IS NOT NULL) NOT VALID"),
      },
    ]);
  });

  it("reports a CHECK proof before PostgreSQL 12, which cannot use it", async () => {
    const sql = "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL);\nALTER TABLE users ALTER email SET NOT NULL;";
    expect(await lintSql(setNotNull, sql, { before, serverMajor: 11 })).toMatchObject([
      { line: 2, column: 1, alternative: expect.stringContaining("Before PostgreSQL 12") },
    ]);
  });

  it("reports ADD CONSTRAINT … NOT NULL without NOT VALID (PostgreSQL 18)", async () => {
    const found = await lintSql(setNotNull, "ALTER TABLE users ADD CONSTRAINT email_nn NOT NULL email;", { before, serverMajor: 18 });
    expect(found).toMatchObject([
      { rule: "set-not-null", line: 1, column: 1, alternative: expect.stringContaining("NOT NULL email NOT VALID") },
    ]);
  });

  it("reports when the earlier VALIDATE proves another column", async () => {
    const sql =
      "ALTER TABLE users ADD CONSTRAINT id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT id_nn;\nALTER TABLE users ALTER email SET NOT NULL;";
    expect(await lintSql(setNotNull, sql, { before })).toMatchObject([{ line: 3, column: 1 }]);
  });

  it.each([
    [
      "a CHECK (col IS NOT NULL) validated earlier in the migration",
      "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER email SET NOT NULL;",
    ],
    [
      "a VALIDATE CONSTRAINT of a check added by an earlier migration",
      "ALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT email_nn;",
    ],
    ["a table created in the same migration", "CREATE TABLE t (v int);\nALTER TABLE t ALTER COLUMN v SET NOT NULL;"],
    ["DROP NOT NULL", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(setNotNull, sql, { before })).toEqual([]));

  it("accepts a CHECK proof added and validated by migrations that were only replayed (applied already)", async () => {
    const applied = [
      ...before,
      "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;",
      "ALTER TABLE users VALIDATE CONSTRAINT email_nn;",
    ];
    expect(await lintSql(setNotNull, "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", { before: applied })).toEqual([]);
  });

  it("accepts ADD CONSTRAINT … NOT NULL … NOT VALID (PostgreSQL 18)", async () => {
    expect(
      await lintSql(setNotNull, "ALTER TABLE users ADD CONSTRAINT email_nn NOT NULL email NOT VALID;", { before, serverMajor: 18 }),
    ).toEqual([]);
  });
});
