import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { addColumnVolatileDefault } from "./add-column-volatile-default.js";

const before = ["CREATE TABLE users (id int);"];

describe("add-column-volatile-default", () => {
  it("reports a volatile default on an existing table", async () => {
    const found = await lintSql(
      addColumnVolatileDefault,
      "SELECT 1;\n  ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
      {
        before,
      },
    );
    expect(found).toMatchObject([
      {
        rule: "add-column-volatile-default",
        severity: "error",
        line: 2,
        column: 3,
        message: expect.stringMatching(/public\.users.*gen_random_uuid\(\)/),
      },
    ]);
  });

  it.each([
    ["random() inside an expression", "ALTER TABLE users ADD COLUMN r int DEFAULT (random() * 10)::int;"],
    ["clock_timestamp()", "ALTER TABLE users ADD COLUMN seen timestamptz NOT NULL DEFAULT clock_timestamp();"],
    ["uuid_generate_v4()", "ALTER TABLE users ADD COLUMN IF NOT EXISTS token uuid DEFAULT uuid_generate_v4();"],
    ["a serial column", "ALTER TABLE users ADD COLUMN n bigserial;"],
    ["an identity column", "ALTER TABLE users ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;"],
    ["a stored generated column", "ALTER TABLE users ADD COLUMN next_id int GENERATED ALWAYS AS (id + 1) STORED;"],
    [
      "a function created without a volatility",
      "CREATE FUNCTION next_code() RETURNS int LANGUAGE sql AS 'select 1';\nALTER TABLE users ADD COLUMN c int DEFAULT next_code();",
    ],
  ])("reports %s", async (_, sql) => {
    const found = await lintSql(addColumnVolatileDefault, sql, { before });
    expect(found).toMatchObject([{ rule: "add-column-volatile-default", severity: "error" }]);
  });

  it("reports a function it has not seen created, since functions are VOLATILE unless declared otherwise", async () => {
    const found = await lintSql(addColumnVolatileDefault, "ALTER TABLE users ADD COLUMN c int DEFAULT app.next_code();", { before });
    expect(found).toMatchObject([
      { line: 1, column: 1, message: expect.stringContaining("unless app.next_code() is declared STABLE or IMMUTABLE") },
    ]);
  });

  it("accepts a function declared STABLE by a migration that was only replayed (applied already)", async () => {
    const applied = [...before, "CREATE FUNCTION tenant() RETURNS int LANGUAGE sql STABLE AS 'select 1';"];
    expect(await lintSql(addColumnVolatileDefault, "ALTER TABLE users ADD COLUMN t int DEFAULT tenant();", { before: applied })).toEqual(
      [],
    );
  });

  it("reports any non-null default before PostgreSQL 11", async () => {
    const found = await lintSql(addColumnVolatileDefault, "ALTER TABLE users ADD COLUMN active boolean DEFAULT true;", {
      before,
      serverMajor: 10,
    });
    expect(found).toMatchObject([
      { rule: "add-column-volatile-default", line: 1, column: 1, message: expect.stringContaining("PostgreSQL 10") },
    ]);
  });

  it.each([
    ["now(), which is STABLE", "ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();"],
    ["current_timestamp", "ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT current_timestamp;"],
    ["a constant", "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;"],
    ["a cast constant", "ALTER TABLE users ADD COLUMN since date DEFAULT '2020-01-01'::date;"],
    ["no default", "ALTER TABLE users ADD COLUMN nickname text;"],
    ["SET DEFAULT, which rewrites nothing", "ALTER TABLE users ALTER COLUMN id SET DEFAULT floor(random() * 100)::int;"],
    [
      "a function declared STABLE",
      "CREATE FUNCTION tenant() RETURNS int LANGUAGE sql STABLE AS 'select 1';\nALTER TABLE users ADD COLUMN t int DEFAULT tenant();",
    ],
    ["a table created in the same migration", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(addColumnVolatileDefault, sql, { before })).toEqual([]));

  it("accepts DEFAULT NULL before PostgreSQL 11", async () => {
    expect(
      await lintSql(addColumnVolatileDefault, "ALTER TABLE users ADD COLUMN note text DEFAULT NULL;", { before, serverMajor: 10 }),
    ).toEqual([]);
  });
});
