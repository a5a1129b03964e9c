import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { requiresNewerServer } from "./requires-newer-server.js";

const before = [
  "CREATE TABLE t (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS (a * 2) STORED, body text);\nCREATE TABLE s (id int, a int);\nCREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\nCREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE VIEW t_ids AS SELECT id FROM t;",
];

/** [feature as the message names it, the version that introduced it, a statement that uses it]. */
const features: Array<[string, number, string]> = [
  ["MERGE … RETURNING", 17, "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a RETURNING t.id;"],
  ["MERGE … WHEN NOT MATCHED BY SOURCE", 17, "MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE;"],
  ["JSON_TABLE", 17, "CREATE VIEW v AS SELECT * FROM JSON_TABLE('[{\"a\":1}]'::jsonb, '$[*]' COLUMNS (a int PATH '$.a'));"],
  ["JSON_VALUE()", 17, "UPDATE t SET body = JSON_VALUE(body::jsonb, '$.name');"],
  ["ALTER COLUMN … SET EXPRESSION", 17, "ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (a * 3);"],
  ["SYSTEM_USER", 16, "ALTER TABLE t ADD COLUMN created_by text DEFAULT SYSTEM_USER;"],
  ["GRANT/REVOKE role WITH INHERIT or SET option", 16, "GRANT app_owner TO app_migrator WITH INHERIT FALSE, SET TRUE;"],
  ["JSON_OBJECT()", 16, "UPDATE t SET body = JSON_OBJECT('id': id)::text;"],
  ["JSON_ARRAYAGG()", 16, "CREATE VIEW v AS SELECT JSON_ARRAYAGG(id) AS ids FROM t;"],
  ["IS JSON", 16, "ALTER TABLE t ADD CONSTRAINT body_is_json CHECK (body IS JSON);"],
  ["MERGE", 15, "MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, a) VALUES (s.id, s.a);"],
  ["UNIQUE NULLS NOT DISTINCT", 15, "CREATE UNIQUE INDEX t_a ON t (a) NULLS NOT DISTINCT;"],
  ["UNIQUE NULLS NOT DISTINCT", 15, "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE NULLS NOT DISTINCT (a);"],
  ["view option security_invoker", 15, "CREATE VIEW v WITH (security_invoker = true) AS SELECT id FROM t;"],
  ["view option security_invoker", 15, "ALTER VIEW t_ids SET (security_invoker = on);"],
  ["GRANT/REVOKE … ON PARAMETER", 15, "GRANT SET ON PARAMETER log_statement TO app_admin;"],
  ["PUBLICATION … TABLES IN SCHEMA", 15, "CREATE PUBLICATION everything FOR TABLES IN SCHEMA public;"],
  ["ALTER TABLE … SET ACCESS METHOD", 15, "ALTER TABLE t SET ACCESS METHOD heap;"],
  ["CREATE OR REPLACE TRIGGER", 14, "CREATE OR REPLACE TRIGGER t_stamp BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION stamp();"],
  ["DETACH PARTITION … CONCURRENTLY", 14, "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;"],
  ["DETACH PARTITION … FINALIZE", 14, "ALTER TABLE events DETACH PARTITION events_2020 FINALIZE;"],
  ["SQL-standard function body", 14, "CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x + 1;"],
  ["SQL-standard function body", 14, "CREATE PROCEDURE touch() LANGUAGE sql BEGIN ATOMIC UPDATE t SET a = a; END;"],
  ["column COMPRESSION", 14, "ALTER TABLE t ADD COLUMN payload text COMPRESSION lz4;"],
  ["column COMPRESSION", 14, "ALTER TABLE t ALTER COLUMN body SET COMPRESSION pglz;"],
  ["multirange type", 14, "ALTER TABLE t ADD COLUMN open_days datemultirange;"],
  ["multirange type", 14, "SELECT int4multirange(int4range(1, 3), int4range(5, 8));"],
  ["OUT parameter in a procedure", 14, "CREATE PROCEDURE count_t(OUT n bigint) LANGUAGE sql AS $$ SELECT count(*) FROM t $$;"],
  ["DROP DATABASE … WITH (FORCE)", 13, "DROP DATABASE scratch WITH (FORCE);"],
];

describe("requires-newer-server", () => {
  it.each(features)("reports %s on PostgreSQL %i − 1", async (feature, since, sql) => {
    const found = await lintSql(requiresNewerServer, `SELECT 1;\n  ${sql}`, { before, serverMajor: since - 1 });
    expect(found).toMatchObject([
      {
        rule: "requires-newer-server",
        severity: "error",
        line: 2,
        column: 3,
        message: expect.stringContaining(`${feature}`),
      },
    ]);
    expect(found[0]?.message).toContain(`needs PostgreSQL ${since} (linting for ${since - 1})`);
  });

  it.each(features)("accepts %s on PostgreSQL %i", async (_, since, sql) => {
    expect(await lintSql(requiresNewerServer, sql, { before, serverMajor: since })).toEqual([]);
  });

  it("reports nothing when linting for PostgreSQL 17", async () => {
    const sql = features.map(([, , statement]) => statement).join("\n");
    expect(await lintSql(requiresNewerServer, sql, { before, serverMajor: 17 })).toEqual([]);
  });

  it("reports a statement once, naming every missing feature, newest first, with the older ways", async () => {
    const sql = "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING t.id;";
    const found = await lintSql(requiresNewerServer, sql, { before, serverMajor: 13 });
    expect(found).toMatchObject([
      {
        message: "MERGE … RETURNING needs PostgreSQL 17, MERGE needs PostgreSQL 15 (linting for 13)",
        alternative: expect.stringMatching(/^Run on PostgreSQL 17 or later .*MERGE: INSERT … ON CONFLICT/),
      },
    ]);
    expect(await lintSql(requiresNewerServer, sql, { before, serverMajor: 15 })).toMatchObject([
      { message: "MERGE … RETURNING needs PostgreSQL 17 (linting for 15)" },
    ]);
  });

  it("finds a feature nested in a CTE", async () => {
    const sql = "WITH m AS (MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING t.id) SELECT count(*) FROM m;";
    expect(await lintSql(requiresNewerServer, sql, { before, serverMajor: 16 })).toMatchObject([
      { message: expect.stringContaining("MERGE … RETURNING") },
    ]);
  });

  it.each([
    [
      "WHEN NOT MATCHED [BY TARGET], which MERGE always had",
      "MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY TARGET THEN DO NOTHING;",
      15,
    ],
    ["a plain DETACH PARTITION", "ALTER TABLE events DETACH PARTITION events_2020;", 13],
    ["GRANT role WITH ADMIN OPTION", "GRANT app_owner TO app_migrator WITH ADMIN OPTION;", 13],
    ["RESET (security_invoker), which older servers ignore", "ALTER VIEW t_ids RESET (security_invoker);", 13],
    ["an INOUT parameter in a procedure", "CREATE PROCEDURE bump(INOUT n int) LANGUAGE sql AS $$ SELECT n + 1 $$;", 13],
    ["a function body written as a string", "CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;", 13],
    ["a feature inside a PL/pgSQL body", "DO $$ BEGIN MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE; END $$;", 13],
    [
      "a type of the project's own named like a multirange",
      "CREATE SCHEMA app;\nCREATE TYPE app.int4multirange AS (lo int, hi int);\nALTER TABLE t ADD COLUMN r app.int4multirange;",
      13,
    ],
    ["a plain DROP DATABASE", "DROP DATABASE scratch;", 12],
    ["json_build_object()", "UPDATE t SET body = json_build_object('id', id)::text;", 13],
  ])("accepts %s", async (_, sql, serverMajor) =>
    expect(await lintSql(requiresNewerServer, sql as string, { before, serverMajor: serverMajor as number })).toEqual([]),
  );

  it("keeps the finding, marked suppressed, under -- drydock:allow", async () => {
    const sql =
      "-- drydock:allow requires-newer-server production runs PostgreSQL 16 since the upgrade\nMERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE;";
    expect(await lintSql(requiresNewerServer, sql, { before, serverMajor: 13 })).toMatchObject([
      { rule: "requires-newer-server", line: 2, suppressed: true, suppression_reason: "production runs PostgreSQL 16 since the upgrade" },
    ]);
  });

  it("does not report statements of migrations that are not linted", async () => {
    const sql = "SELECT 1;";
    const earlier = ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE;"];
    expect(await lintSql(requiresNewerServer, sql, { before: [...before, ...earlier], serverMajor: 13 })).toEqual([]);
  });
});
