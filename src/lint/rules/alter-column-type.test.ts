import { describe, expect, it } from "vitest";
import { lintSql, testMigration } from "../../../test/support/lint-sql.js";
import { runRules } from "../run-rules.js";
import { alterColumnType } from "./alter-column-type.js";

const before = ["CREATE TABLE users (id int, name varchar(50), email text, price numeric(10,2), seen timestamp(3));"];

/** Lints every migration of a project (so the rule sees how the columns were created), keeping the last file's findings. */
async function lintProject(files: string[], serverMajor = 15) {
  const migrations = files.map((sql, index) => testMigration(String(index + 1).padStart(4, "0"), sql));
  const findings = await runRules({ migrations, rules: [alterColumnType], serverMajor, rlsSchemas: [], searchPath: ["public"] });
  return findings.filter((finding) => finding.file === migrations[migrations.length - 1]?.up.file);
}

describe("alter-column-type", () => {
  it("reports a type change on an existing table, knowing its type from a migration that was only replayed", async () => {
    const found = await lintSql(alterColumnType, "\n\tALTER TABLE users ALTER COLUMN id TYPE bigint;", { before });
    expect(found).toMatchObject([
      {
        rule: "alter-column-type",
        severity: "error",
        line: 2,
        column: 2,
        message: "ALTER COLUMN id TYPE int8 (from int4) rewrites public.users while holding ACCESS EXCLUSIVE",
      },
    ]);
  });

  it.each([
    ["timestamp to timestamptz", "ALTER TABLE users ALTER COLUMN seen TYPE timestamptz;"],
    ["a USING expression", "ALTER TABLE users ALTER COLUMN email TYPE text USING lower(email);"],
    ["a new collation", 'ALTER TABLE users ALTER COLUMN email TYPE text COLLATE "C";'],
    ["a USING cast to another type", "ALTER TABLE users ALTER COLUMN email TYPE text USING email::varchar(3);"],
  ])("reports %s", async (_, sql) => {
    expect(await lintSql(alterColumnType, sql, { before })).toMatchObject([{ rule: "alter-column-type", line: 1, column: 1 }]);
  });

  it.each([
    ["a shorter varchar", "ALTER TABLE users ALTER name TYPE varchar(20);", "from varchar(50)"],
    ["text to a limited varchar", "ALTER TABLE users ALTER email TYPE varchar(100);", "from text"],
    ["int to text", "ALTER TABLE users ALTER id TYPE text;", "from int4"],
    ["numeric with a new scale", "ALTER TABLE users ALTER price TYPE numeric(12,4);", "from numeric(10,2)"],
    ["a lower timestamp precision", "ALTER TABLE users ALTER seen TYPE timestamp(0);", "from timestamp(3)"],
  ])("reports %s when it knows the old type", async (_, sql, from) => {
    const found = await lintProject([...before, sql]);
    expect(found).toMatchObject([
      { rule: "alter-column-type", severity: "error", line: 1, column: 1, message: expect.stringContaining(from) },
    ]);
  });

  it.each([
    ["varchar(50) to varchar(100)", "ALTER TABLE users ALTER COLUMN name TYPE varchar(100);"],
    ["varchar to text", "ALTER TABLE users ALTER COLUMN name TYPE text;"],
    ["varchar(50) to unlimited varchar", "ALTER TABLE users ALTER COLUMN name SET DATA TYPE character varying;"],
    ["text to varchar", "ALTER TABLE users ALTER COLUMN email TYPE varchar;"],
    ["a wider numeric", "ALTER TABLE users ALTER COLUMN price TYPE numeric(14,2);"],
    ["an unconstrained numeric", "ALTER TABLE users ALTER COLUMN price TYPE numeric;"],
    ["a higher timestamp precision", "ALTER TABLE users ALTER COLUMN seen TYPE timestamp(6);"],
    ["the same type", "ALTER TABLE users ALTER COLUMN id TYPE integer;"],
    ["a USING that only casts the column", "ALTER TABLE users ALTER COLUMN name TYPE text USING name::text;"],
  ])("accepts %s, which is binary-coercible", async (_, sql) => expect(await lintProject([...before, sql])).toEqual([]));

  it("knows a column added earlier in the same migration", async () => {
    const sql =
      "ALTER TABLE users ADD COLUMN nick varchar(10);\nALTER TABLE users ALTER COLUMN nick TYPE varchar(30);\nALTER TABLE users ALTER nick TYPE int USING 0;";
    expect(await lintSql(alterColumnType, sql, { before })).toMatchObject([{ line: 3, column: 1 }]);
  });

  it("follows renames", async () => {
    const found = await lintProject([
      ...before,
      "ALTER TABLE users RENAME TO people;\nALTER TABLE people RENAME name TO full_name;",
      "ALTER TABLE people ALTER full_name TYPE varchar(10);",
    ]);
    expect(found).toMatchObject([{ message: expect.stringContaining("from varchar(50)") }]);
  });

  it.each([
    ["a string type when the old type is unknown", "ALTER TABLE users ALTER COLUMN name TYPE varchar(255);"],
    ["text when the old type is unknown", "ALTER TABLE users ALTER COLUMN name TYPE text;"],
    ["a table created in the same migration", "CREATE TABLE t (id int);\nALTER TABLE t ALTER COLUMN id TYPE bigint;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(alterColumnType, sql, { before })).toEqual([]));

  // crates-io 2025-02-17-133723_timezones: SET timezone = 'UTC', then timestamp → timestamptz on many tables.
  it.each([
    ["SET timezone = 'UTC'", "SET timezone = 'UTC';"],
    ["SET TIME ZONE 'Etc/UTC'", "SET TIME ZONE 'Etc/UTC';"],
    ["SET TIME ZONE 0", "SET TIME ZONE 0;"],
  ])("accepts timestamp to timestamptz after %s (no rewrite since PostgreSQL 12)", async (_, set) => {
    expect(await lintProject([...before, `${set}\nALTER TABLE users ALTER seen TYPE timestamptz;`])).toEqual([]);
  });

  it.each([
    ["no SET timezone", "ALTER TABLE users ALTER seen TYPE timestamptz;", 15],
    ["a time zone with an offset", "SET timezone = 'Europe/Berlin';\nALTER TABLE users ALTER seen TYPE timestamptz;", 15],
    ["a RESET after the SET", "SET timezone = 'UTC';\nRESET timezone;\nALTER TABLE users ALTER seen TYPE timestamptz;", 15],
    ["a lower precision than 6", "SET timezone = 'UTC';\nALTER TABLE users ALTER seen TYPE timestamptz(3);", 15],
    ["PostgreSQL 11", "SET timezone = 'UTC';\nALTER TABLE users ALTER seen TYPE timestamptz;", 11],
  ])("reports timestamp to timestamptz with %s", async (_, sql, serverMajor) => {
    const found = await lintProject([...before, sql], serverMajor);
    expect(found).toMatchObject([{ rule: "alter-column-type", message: expect.stringContaining("from timestamp(3)") }]);
  });

  // onlook 0011_typical_clea: the column's enum written unqualified in CREATE TABLE, qualified in SET DATA TYPE.
  it("accepts the same type of the project's own, written once unqualified and once schema-qualified", async () => {
    const created = 'CREATE TYPE "public"."status" AS ENUM (\'a\', \'b\');\nCREATE TABLE v (s "status");';
    expect(await lintProject([created, 'ALTER TABLE "v" ALTER COLUMN "s" SET DATA TYPE "public"."status";'])).toEqual([]);
    const other = await lintProject([created, 'ALTER TABLE "v" ALTER COLUMN "s" SET DATA TYPE "other"."status";']);
    expect(other).toMatchObject([{ message: expect.stringContaining("TYPE other.status (from public.status)") }]);
  });
});
