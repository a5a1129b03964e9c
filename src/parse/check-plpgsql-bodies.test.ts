import { describe, expect, it } from "vitest";
import { parseSql } from "./parse-sql.js";
import { SqlSyntaxError } from "./sql-syntax-error.js";

async function errorOf(sql: string): Promise<SqlSyntaxError> {
  const error = await parseSql("migrations/0001_f.sql", sql).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SqlSyntaxError);
  return error as SqlSyntaxError;
}

describe("PL/pgSQL bodies", () => {
  it("reports a syntax error in a function body at its line in the file", async () => {
    const error = await errorOf(
      "SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  -- RETRUN in a comment does not count\n  IF true THEN\n    RETRUN 2;\n  END IF;\nEND\n$$;\n",
    );
    expect(error.message).toBe('PL/pgSQL syntax error at or near "RETRUN"');
    expect(error.details.location).toEqual({ file: "migrations/0001_f.sql", line: 6, column: 5 });
    expect(error.details.sourceLine).toBe("    RETRUN 2;");
  });

  it("reports a syntax error in a DO block, at the end of the body for a missing semicolon", async () => {
    const error = await errorOf("DO $$\nBEGIN\n  PERFORM 1\nEND\n$$;\n");
    expect(error.message).toBe("PL/pgSQL syntax error at end of input");
    expect(error.details.location?.line).toBe(4);
  });

  it("accepts valid bodies, SQL-language bodies, and %TYPE that needs the catalog", async () => {
    const script = await parseSql(
      "x.sql",
      "CREATE FUNCTION g(a t.id%TYPE) RETURNS int LANGUAGE plpgsql AS $$ DECLARE v t.id%TYPE; BEGIN RETURN 1; END $$;\nCREATE FUNCTION h() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nDO $$ BEGIN RAISE NOTICE 'RETRUN'; END $$;\n",
    );
    expect(script.statements).toHaveLength(3);
  });
});
