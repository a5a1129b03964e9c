import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { truncate } from "./truncate.js";

const before = ["CREATE TABLE events (id int); CREATE SCHEMA audit; CREATE TABLE audit.log (id int);"];

describe("truncate", () => {
  it("reports TRUNCATE of an existing table", async () => {
    const found = await lintSql(truncate, "SELECT 1; TRUNCATE events;", { before });
    expect(found).toMatchObject([
      { rule: "truncate", severity: "warning", line: 1, column: 11, message: expect.stringContaining("public.events") },
    ]);
  });

  it("reports each existing table of a multi-table TRUNCATE, and says what CASCADE adds", async () => {
    const found = await lintSql(truncate, "CREATE TABLE staging (id int);\nTRUNCATE TABLE ONLY staging, audit.log CASCADE;", { before });
    expect(found).toMatchObject([{ rule: "truncate", line: 2, column: 1, message: expect.stringMatching(/audit\.log.*CASCADE/) }]);
  });

  it.each([
    ["a table created earlier in the same migration", "CREATE TABLE staging (id int);\nTRUNCATE staging;"],
    ["a DELETE with a WHERE clause", "DELETE FROM events WHERE id < 100;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(truncate, sql, { before })).toEqual([]));
});
