import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { rlsWithoutPolicy } from "./rls-without-policy.js";

describe("rls-without-policy", () => {
  it("reports a table whose RLS is enabled with no policy, at the ENABLE statement", async () => {
    const found = await lintSql(rlsWithoutPolicy, "CREATE TABLE notes (id int);\n\n  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;");
    expect(found).toMatchObject([
      {
        rule: "rls-without-policy",
        severity: "warning",
        file: "migrations/9999_test.sql",
        line: 3,
        column: 3,
        message: expect.stringContaining("public.notes has row-level security enabled and no policy"),
      },
    ]);
  });

  it("reports a table created earlier whose RLS this migration enables", async () => {
    const found = await lintSql(rlsWithoutPolicy, "SELECT 1;\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;", {
      before: ["CREATE TABLE notes (id int);"],
    });
    expect(found).toMatchObject([{ rule: "rls-without-policy", severity: "warning", line: 2, column: 1 }]);
  });

  it("says the owner is shut out too when RLS is forced", async () => {
    const found = await lintSql(
      rlsWithoutPolicy,
      "CREATE TABLE notes (id int);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;",
    );
    expect(found).toMatchObject([{ line: 2, column: 1, message: expect.stringContaining("the owner included") }]);
  });

  it("follows a rename of the table after RLS was enabled", async () => {
    const found = await lintSql(
      rlsWithoutPolicy,
      "CREATE TABLE notes (id int);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nALTER TABLE notes RENAME TO memos;",
    );
    expect(found).toMatchObject([{ line: 2, column: 1, message: expect.stringContaining("public.memos") }]);
  });

  it("keeps the finding, marked suppressed, under -- drydock:allow", async () => {
    const sql =
      "-- drydock:allow rls-without-policy only the service role reads this\nCREATE TABLE jobs (id int);\nALTER TABLE jobs ENABLE ROW LEVEL SECURITY;";
    const found = await lintSql(rlsWithoutPolicy, sql);
    expect(found).toMatchObject([
      { rule: "rls-without-policy", line: 3, suppressed: true, suppression_reason: "only the service role reads this" },
    ]);
  });

  it.each([
    [
      "a policy in the same migration",
      "CREATE TABLE notes (id int); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON notes USING (id = 1);",
      [],
    ],
    [
      "a policy in a later statement on a table created before",
      "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON notes FOR SELECT USING (id = 1);",
      ["CREATE TABLE notes (id int);"],
    ],
    ["RLS never enabled", "CREATE TABLE notes (id int);", []],
    [
      "RLS enabled then disabled",
      "CREATE TABLE notes (id int); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; ALTER TABLE notes DISABLE ROW LEVEL SECURITY;",
      [],
    ],
    ["a dropped table", "CREATE TABLE notes (id int); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; DROP TABLE notes;", []],
    [
      "a policy created by an earlier migration",
      "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;",
      ["CREATE TABLE notes (id int); CREATE POLICY own ON notes USING (true);"],
    ],
  ])("accepts %s", async (_, sql, before) =>
    expect(await lintSql(rlsWithoutPolicy, sql as string, { before: before as string[] })).toEqual([]),
  );
});

describe("rls-without-policy after DROP POLICY", () => {
  it("reports a table whose only policy is dropped", async () => {
    const sql =
      "CREATE TABLE notes (id int);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON notes USING (true);\nDROP POLICY p ON notes;\n";
    expect(await lintSql(rlsWithoutPolicy, sql)).toMatchObject([{ rule: "rls-without-policy", line: 2 }]);
  });
});
