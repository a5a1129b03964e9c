import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { securityDefinerSearchPath } from "./security-definer-search-path.js";

describe("security-definer-search-path", () => {
  it("reports a SECURITY DEFINER function without SET search_path", async () => {
    const sql =
      "SELECT 1;\nCREATE FUNCTION app.is_admin() RETURNS boolean\nLANGUAGE sql SECURITY DEFINER AS $$ SELECT true FROM admins $$;";
    expect(await lintSql(securityDefinerSearchPath, sql)).toMatchObject([
      {
        rule: "security-definer-search-path",
        severity: "error",
        line: 2,
        column: 1,
        message: expect.stringContaining("SECURITY DEFINER function app.is_admin has no SET search_path"),
      },
    ]);
  });

  it("reports a procedure, and SET search_path TO DEFAULT does not count", async () => {
    const sql = "  CREATE PROCEDURE purge() LANGUAGE sql SECURITY DEFINER SET search_path TO DEFAULT AS $$ DELETE FROM logs $$;";
    expect(await lintSql(securityDefinerSearchPath, sql)).toMatchObject([
      { rule: "security-definer-search-path", severity: "error", line: 1, column: 3, message: expect.stringContaining("procedure purge") },
    ]);
  });

  it("reports a function that sets another parameter only", async () => {
    const sql = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET work_mem = '64MB' AS $$ SELECT 1 $$;";
    expect(await lintSql(securityDefinerSearchPath, sql)).toMatchObject([{ rule: "security-definer-search-path", line: 1, column: 1 }]);
  });

  it.each([
    ["SET search_path = ''", "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;"],
    [
      "SET search_path TO trusted schemas",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path TO app, pg_temp AS $$ SELECT 1 $$;",
    ],
    [
      "SET search_path FROM CURRENT",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$ SELECT 1 $$;",
    ],
    ["SECURITY INVOKER", "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY INVOKER AS $$ SELECT 1 $$;"],
    ["a function with the default security", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(securityDefinerSearchPath, sql)).toEqual([]));
});
