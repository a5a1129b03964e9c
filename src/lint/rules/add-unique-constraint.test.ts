import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { addUniqueConstraint } from "./add-unique-constraint.js";

const before = ["CREATE TABLE accounts (id int, email text);"];

describe("add-unique-constraint", () => {
  it("reports ADD CONSTRAINT … UNIQUE on an existing table", async () => {
    const found = await lintSql(
      addUniqueConstraint,
      "SELECT 1;\n    ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);",
      { before },
    );
    expect(found).toMatchObject([
      {
        rule: "add-unique-constraint",
        severity: "error",
        line: 2,
        column: 5,
        message: expect.stringContaining("UNIQUE on public.accounts"),
      },
    ]);
  });

  it.each([
    ["a primary key", "ALTER TABLE accounts ADD PRIMARY KEY (id);", "PRIMARY KEY"],
    ["a column added with UNIQUE", "ALTER TABLE accounts ADD COLUMN handle text UNIQUE;", "ADD COLUMN handle"],
  ])("reports %s", async (_, sql, text) => {
    expect(await lintSql(addUniqueConstraint, sql, { before })).toMatchObject([
      { rule: "add-unique-constraint", line: 1, column: 1, message: expect.stringContaining(text) },
    ]);
  });

  it.each([
    ["USING INDEX", "ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_idx;"],
    ["a primary key USING INDEX", "ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id_idx;"],
    ["a table created in the same migration", "CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);"],
    ["a CHECK constraint", "ALTER TABLE accounts ADD CONSTRAINT c CHECK (id > 0) NOT VALID;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(addUniqueConstraint, sql, { before })).toEqual([]));
});
