import { describe, expect, it } from "vitest";
import { parseSql } from "./parse-sql.js";
import { SqlSyntaxError } from "./sql-syntax-error.js";

const file = "migrations/0002_users.sql";

async function syntaxErrorOf(sql: string): Promise<SqlSyntaxError> {
  try {
    await parseSql(file, sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return error;
    throw error;
  }
  throw new Error("expected a SqlSyntaxError");
}

describe("parseSql", () => {
  it("splits statements and gives each one's line, column, text and node", async () => {
    const sql = "CREATE TABLE users (id int);\n\n  CREATE INDEX users_id ON users (id); SELECT 1\n";
    const { statements } = await parseSql(file, sql);
    expect(statements.map(({ index, line, column }) => ({ index, line, column }))).toEqual([
      { index: 0, line: 1, column: 1 },
      { index: 1, line: 3, column: 3 },
      { index: 2, line: 3, column: 40 },
    ]);
    expect(statements.map((statement) => statement.sql.trim())).toEqual([
      "CREATE TABLE users (id int)",
      "CREATE INDEX users_id ON users (id)",
      "SELECT 1",
    ]);
    expect(statements.map((statement) => Object.keys(statement.node))).toEqual([["CreateStmt"], ["IndexStmt"], ["SelectStmt"]]);
    expect(sql.slice(statements[1]?.startUnit)).toMatch(/^\s*CREATE INDEX users_id/);
  });

  it("places a statement on its first token, after comments", async () => {
    const sql = "-- header\n/* block\n   comment */\nCREATE TABLE t (id int);\n-- between\n  DROP TABLE t;";
    const { statements } = await parseSql(file, sql);
    expect(statements.map(({ line, column }) => ({ line, column }))).toEqual([
      { line: 4, column: 1 },
      { line: 6, column: 3 },
    ]);
  });

  it("counts characters, not bytes, after non-ASCII text", async () => {
    const sql = '-- Migration für 日本 😀\nCREATE TABLE "café" ("名前" text); CREATE TABLE t2 (id int);\nSELECT \'é\';';
    const { statements } = await parseSql(file, sql);
    expect(statements.map(({ line, column }) => ({ line, column }))).toEqual([
      { line: 2, column: 1 },
      { line: 2, column: 34 },
      { line: 3, column: 1 },
    ]);
    expect(statements[1]?.sql.trim()).toBe("CREATE TABLE t2 (id int)");
    expect(sql.slice(statements[1]?.startUnit).trimStart().startsWith("CREATE TABLE t2")).toBe(true);
  });

  it("keeps dollar-quoted bodies inside one statement", async () => {
    const sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT f();";
    const { statements } = await parseSql(file, sql);
    expect(statements).toHaveLength(2);
    expect(statements[1]).toMatchObject({ line: 2, column: 1 });
  });

  it.each([
    ["empty input", ""],
    ["blank input", "  \n\t\n"],
    ["a line comment", "-- nothing to do\n"],
    ["a block comment", "/* nothing\n   to do */"],
    ["a lone semicolon", ";\n"],
  ])("gives zero statements for %s", async (_, sql) => {
    expect((await parseSql(file, sql)).statements).toEqual([]);
  });

  it("gives the line and column of a syntax error and the source line", async () => {
    const error = await syntaxErrorOf("SELECT 1;\nSELEC 2;");
    expect(error.message).toBe('syntax error at or near "SELEC"');
    expect(error.details.location).toEqual({ file, line: 2, column: 1 });
    expect(error.details.sourceLine).toBe("SELEC 2;");
    expect(error.details.hint).toBe("Fix the SQL at this position; nothing was applied.");
  });

  it("points at a syntax error after a multi-byte identifier on the same line", async () => {
    const error = await syntaxErrorOf("SELECT 1;\nSELECT 日本 FRM x;");
    expect(error.message).toBe('syntax error at or near "x"');
    expect(error.details.location).toEqual({ file, line: 2, column: 15 });
    expect(error.details.sourceLine).toBe("SELECT 日本 FRM x;");
  });

  it("points at a syntax error after an emoji and after non-ASCII lines", async () => {
    const error = await syntaxErrorOf("-- für ünïcödé\nSELECT '😀' AS e FRM x;");
    expect(error.message).toBe('syntax error at or near "FRM"');
    expect(error.details.location).toEqual({ file, line: 2, column: 17 });
  });

  it("points at a syntax error inside a later statement", async () => {
    const error = await syntaxErrorOf("CREATE TABLE t (id int);\nCREATE TABLE u (\n  id int,\n  name txt text\n);");
    expect(error.message).toBe('syntax error at or near "text"');
    expect(error.details.location).toEqual({ file, line: 4, column: 12 });
    expect(error.details.sourceLine).toBe("  name txt text");
  });

  it("names a psql meta-command with its line", async () => {
    const error = await syntaxErrorOf("CREATE TABLE t (id int);\n\\connect other\nCREATE TABLE u (id int);");
    expect(error.message).toBe("psql meta-command \\connect is not SQL");
    expect(error.details.location).toEqual({ file, line: 2, column: 1 });
    expect(error.details.sourceLine).toBe("\\connect other");
    expect(error.details.hint).toContain("[project.variables]");
  });

  it("names an indented \\i meta-command at its backslash", async () => {
    const error = await syntaxErrorOf("SELECT 1;\n  \\i other.sql\n");
    expect(error.message).toBe("psql meta-command \\i is not SQL");
    expect(error.details.location).toEqual({ file, line: 2, column: 3 });
  });

  it("ignores \\set ON_ERROR_STOP and keeps the line numbers", async () => {
    const { statements } = await parseSql(file, "\\set ON_ERROR_STOP on\nCREATE TABLE t (id int);\n\\set ON_ERROR_STOP 1\nSELECT 1;");
    expect(statements.map(({ line, column }) => ({ line, column }))).toEqual([
      { line: 2, column: 1 },
      { line: 4, column: 1 },
    ]);
  });

  it("gives zero statements for a file holding only \\set ON_ERROR_STOP", async () => {
    expect((await parseSql(file, "\\set ON_ERROR_STOP on\n")).statements).toEqual([]);
  });

  it("still refuses other \\set commands", async () => {
    const error = await syntaxErrorOf("\\set ON_ERROR_STOP on\n\\set owner app\nSELECT 1;");
    expect(error.message).toBe("psql meta-command \\set is not SQL");
    expect(error.details.location).toMatchObject({ line: 2, column: 1 });
  });
});
