import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { tableWithoutRls } from "./table-without-rls.js";

describe("table-without-rls", () => {
  it("reports a table in an RLS schema that never enables RLS", async () => {
    const found = await lintSql(tableWithoutRls, "SELECT 1;\nCREATE TABLE notes (id int);", { rlsSchemas: ["public"] });
    expect(found).toMatchObject([{ rule: "table-without-rls", line: 2, column: 1, message: expect.stringContaining("public.notes") }]);
  });

  it.each([
    ["RLS enabled in the same migration", "CREATE TABLE notes (id int); ALTER TABLE notes ENABLE ROW LEVEL SECURITY;", ["public"]],
    ["a schema not listed", "CREATE SCHEMA internal; CREATE TABLE internal.jobs (id int);", ["public"]],
    ["no RLS requirement configured", "CREATE TABLE notes (id int);", []],
  ])("accepts %s", async (_, sql, rlsSchemas) =>
    expect(await lintSql(tableWithoutRls, sql as string, { rlsSchemas: rlsSchemas as string[] })).toEqual([]),
  );
});
