import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { indexNotConcurrent } from "./index-not-concurrent.js";

describe("index-not-concurrent", () => {
  it("reports CREATE INDEX on an existing table", async () => {
    const found = await lintSql(indexNotConcurrent, "\nCREATE INDEX users_email ON users (email);", {
      before: ["CREATE TABLE users (email text);"],
    });
    expect(found).toMatchObject([
      {
        rule: "index-not-concurrent",
        severity: "error",
        line: 2,
        column: 1,
        message: expect.stringContaining("public.users"),
        source_line: "CREATE INDEX users_email ON users (email);",
      },
    ]);
  });

  it.each([
    ["a concurrent build", "CREATE INDEX CONCURRENTLY users_email ON users (email);"],
    ["a table created in the same file", "CREATE TABLE t (id int); CREATE INDEX t_id ON t (id);"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(indexNotConcurrent, sql)).toEqual([]));
});
