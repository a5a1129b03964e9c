import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { policyAlwaysTrue } from "./policy-always-true.js";

const before = ["CREATE TABLE posts (id int, owner_id uuid, published boolean); ALTER TABLE posts ENABLE ROW LEVEL SECURITY;"];

describe("policy-always-true", () => {
  it("reports FOR SELECT USING (true) and says it is right for a public table", async () => {
    const found = await lintSql(policyAlwaysTrue, "SELECT 1;\n  CREATE POLICY read_all ON posts FOR SELECT USING (true);", { before });
    expect(found).toMatchObject([
      {
        rule: "policy-always-true",
        severity: "warning",
        line: 2,
        column: 3,
        message: expect.stringMatching(
          /policy "read_all" on public\.posts lets PUBLIC read every row \(USING \(true\)\).*meant to be public/,
        ),
      },
    ]);
  });

  it("reports WITH CHECK (true) on INSERT for named roles", async () => {
    const found = await lintSql(
      policyAlwaysTrue,
      "CREATE POLICY anyone_writes ON posts FOR INSERT TO anon, authenticated WITH CHECK (true);",
      {
        before,
      },
    );
    expect(found).toMatchObject([
      {
        rule: "policy-always-true",
        severity: "warning",
        line: 1,
        column: 1,
        message: expect.stringContaining("lets anon, authenticated insert any row (WITH CHECK (true))"),
      },
    ]);
  });

  it("reports a FOR ALL policy once, naming both clauses", async () => {
    const found = await lintSql(policyAlwaysTrue, "CREATE POLICY open ON posts USING (true) WITH CHECK (true);", { before });
    expect(found).toMatchObject([
      { line: 1, column: 1, message: expect.stringContaining("read and change every row (USING (true) and WITH CHECK (true))") },
    ]);
  });

  it("reports ALTER POLICY that makes a policy always true", async () => {
    const found = await lintSql(policyAlwaysTrue, "\nALTER POLICY own ON posts USING (true);", {
      before: [...before, "CREATE POLICY own ON posts USING (owner_id = gen_random_uuid());"],
    });
    expect(found).toMatchObject([{ rule: "policy-always-true", severity: "warning", line: 2, column: 1 }]);
  });

  it.each([
    ["1 = 1", "USING (1 = 1)"],
    ["'t'::boolean", "USING ('t'::boolean)"],
    ["NOT false", "USING (NOT false)"],
    ["true OR a row test", "USING (true OR owner_id IS NULL)"],
    ["'a' = 'a'", "USING ('a' = 'a')"],
    ["1 <> 2 AND true", "USING (1 <> 2 AND true)"],
  ])("reports a constant-true expression: %s", async (_, clause) => {
    expect(await lintSql(policyAlwaysTrue, `CREATE POLICY p ON posts FOR UPDATE ${clause};`, { before })).toMatchObject([
      { rule: "policy-always-true", line: 1, column: 1, message: expect.stringContaining("update every row") },
    ]);
  });

  it.each([
    ["a policy that compares a column", "CREATE POLICY own ON posts USING (owner_id = gen_random_uuid());"],
    ["a column test", "CREATE POLICY published ON posts FOR SELECT USING (published);"],
    ["USING (false)", "CREATE POLICY none ON posts USING (false);"],
    ["1 = 2", "CREATE POLICY none ON posts USING (1 = 2);"],
    ["true AND a row test", "CREATE POLICY p ON posts USING (true AND published);"],
    ["a restrictive policy", "CREATE POLICY gate ON posts AS RESTRICTIVE USING (true);"],
    ["ALTER POLICY that only renames roles", "ALTER POLICY own ON posts TO authenticated;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(policyAlwaysTrue, sql, { before })).toEqual([]));
});
