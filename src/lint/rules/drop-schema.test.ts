import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { dropSchema } from "./drop-schema.js";

const before = ["CREATE SCHEMA reporting; CREATE TABLE reporting.daily (id int); CREATE TABLE reporting.weekly (id int);"];

describe("drop-schema", () => {
  it("reports DROP SCHEMA … CASCADE and names the tables it takes with it", async () => {
    const found = await lintSql(dropSchema, "\n\tDROP SCHEMA reporting CASCADE;", { before });
    expect(found).toMatchObject([
      {
        rule: "drop-schema",
        severity: "warning",
        line: 2,
        column: 2,
        message: expect.stringMatching(/reporting CASCADE.*reporting\.daily, reporting\.weekly/),
      },
    ]);
  });

  it("reports DROP SCHEMA without CASCADE too", async () => {
    const found = await lintSql(dropSchema, "DROP SCHEMA IF EXISTS legacy;");
    expect(found).toMatchObject([{ rule: "drop-schema", line: 1, column: 1, message: "DROP SCHEMA legacy removes the schema" }]);
  });

  it.each([
    ["a schema created earlier in the same migration", "CREATE SCHEMA staging;\nDROP SCHEMA staging CASCADE;"],
    ["a table in the schema", "DROP TABLE reporting.daily;"],
    ["a table named like the schema", "CREATE TABLE reporting (id int); DROP TABLE reporting;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(dropSchema, sql, { before })).toEqual([]));
});
