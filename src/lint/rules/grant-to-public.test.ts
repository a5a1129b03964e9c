import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { grantToPublic } from "./grant-to-public.js";

const before = ["CREATE TABLE accounts (id int); CREATE SCHEMA reporting;"];

describe("grant-to-public", () => {
  it("reports a table privilege granted to PUBLIC", async () => {
    const found = await lintSql(grantToPublic, "SELECT 1;\n GRANT SELECT, UPDATE ON accounts TO bob, PUBLIC;", { before });
    expect(found).toMatchObject([
      {
        rule: "grant-to-public",
        severity: "warning",
        line: 2,
        column: 2,
        message: expect.stringContaining("GRANT SELECT, UPDATE on table public.accounts TO PUBLIC"),
      },
    ]);
  });

  it("reports EXECUTE on a function and says PUBLIC has it by default", async () => {
    const found = await lintSql(grantToPublic, "GRANT EXECUTE ON FUNCTION app.reset_password(int) TO public;");
    expect(found).toMatchObject([
      {
        rule: "grant-to-public",
        severity: "warning",
        line: 1,
        column: 1,
        message: expect.stringContaining("function app.reset_password"),
        why: expect.stringContaining("EXECUTE-able by PUBLIC by default"),
        alternative: expect.stringContaining("REVOKE EXECUTE"),
      },
    ]);
  });

  it("says what CREATE on a schema allows", async () => {
    const found = await lintSql(grantToPublic, "GRANT CREATE ON SCHEMA reporting TO PUBLIC;", { before });
    expect(found).toMatchObject([{ line: 1, column: 1, message: expect.stringContaining("shadow others on search_path") }]);
  });

  it.each([
    ["ALL TABLES IN SCHEMA", "GRANT ALL ON ALL TABLES IN SCHEMA reporting TO PUBLIC;", "GRANT ALL on all tables in schema reporting"],
    ["default privileges", "ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO PUBLIC;", "tables created later"],
    ["a sequence", "GRANT USAGE ON SEQUENCE accounts_id_seq TO PUBLIC;", "sequence public.accounts_id_seq"],
  ])("reports %s", async (_, sql, text) => {
    expect(await lintSql(grantToPublic, sql, { before })).toMatchObject([
      { rule: "grant-to-public", line: 1, column: 1, message: expect.stringContaining(text) },
    ]);
  });

  it.each([
    ["a grant to a named role", "GRANT SELECT ON accounts TO reporting_reader;"],
    ["REVOKE … FROM PUBLIC", "REVOKE ALL ON accounts FROM PUBLIC;"],
    ["REVOKE EXECUTE on a function from PUBLIC", "REVOKE EXECUTE ON FUNCTION app.reset_password(int) FROM PUBLIC;"],
    ["CONNECT on a database (PUBLIC has it by default)", "GRANT CONNECT ON DATABASE app TO PUBLIC;"],
    ["default privileges revoked from PUBLIC", "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(grantToPublic, sql, { before })).toEqual([]));
});
