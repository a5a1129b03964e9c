import { describe, expect, it } from "vitest";
import { lintSql, testMigration } from "../../../test/support/lint-sql.js";
import { LintCheckpointCache } from "../../cache/lint-checkpoint-cache.js";
import { RuleRun, type RuleRunSettings, runRules } from "../run-rules.js";
import { securityDefinerPublicExecute } from "./security-definer-public-execute.js";

const decrypt =
  "CREATE FUNCTION platform.decrypt(id uuid) RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 'x' $$;";
const settings: RuleRunSettings = { rules: [securityDefinerPublicExecute], serverMajor: 15, rlsSchemas: [], searchPath: ["public"] };

/** Lints every migration given (none is only replayed), in order. */
function lintAll(...sql: string[]) {
  const migrations = sql.map((text, index) => testMigration(String(index + 1).padStart(4, "0"), text));
  return runRules({ ...settings, migrations });
}

describe("security-definer-public-execute", () => {
  it("reports a SECURITY DEFINER function whose EXECUTE is never revoked from PUBLIC, at its CREATE", async () => {
    expect(await lintSql(securityDefinerPublicExecute, `SELECT 1;\n  ${decrypt}`)).toMatchObject([
      {
        rule: "security-definer-public-execute",
        severity: "warning",
        file: "migrations/9999_test.sql",
        line: 2,
        column: 3,
        message:
          "SECURITY DEFINER function platform.decrypt(uuid) keeps EXECUTE for PUBLIC: every role can call it with its owner's privileges",
        alternative: expect.stringContaining("REVOKE ALL ON FUNCTION platform.decrypt(uuid) FROM PUBLIC; GRANT EXECUTE ON FUNCTION"),
      },
    ]);
  });

  it("reports a procedure, an OR REPLACE and an ALTER … SECURITY DEFINER, each named through search_path", async () => {
    const sql = [
      "SET search_path = app;",
      "CREATE PROCEDURE purge(days int) LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
      "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
      "CREATE FUNCTION g(text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
      "ALTER FUNCTION g(text) SECURITY DEFINER;",
    ].join("\n");
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([
      { line: 2, message: expect.stringContaining("SECURITY DEFINER procedure app.purge(int4) keeps EXECUTE for PUBLIC") },
      { line: 3, message: expect.stringContaining("function app.f()") },
      { line: 5, message: expect.stringContaining("function app.g(text)") },
    ]);
  });

  it("reports again after a GRANT EXECUTE … TO PUBLIC undoes the revoke", async () => {
    const sql = `${decrypt}\nREVOKE ALL ON FUNCTION platform.decrypt(uuid) FROM PUBLIC;\nGRANT EXECUTE ON FUNCTION platform.decrypt TO PUBLIC;`;
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([{ line: 1 }]);
  });

  it("reports when the revoke is only per-schema default privileges, which cannot take back the global default", async () => {
    const sql = `ALTER DEFAULT PRIVILEGES IN SCHEMA platform REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n${decrypt}`;
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([{ line: 2 }]);
  });

  it("reports a procedure that ON ALL FUNCTIONS IN SCHEMA leaves alone", async () => {
    const sql =
      "CREATE PROCEDURE app.p() LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;\nREVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM PUBLIC;";
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([
      { line: 1, message: expect.stringContaining("procedure app.p()") },
    ]);
  });

  it("reports a function created after a revoke ON ALL FUNCTIONS IN SCHEMA (it covers what exists then)", async () => {
    const sql = `REVOKE ALL ON ALL FUNCTIONS IN SCHEMA platform FROM PUBLIC;\n${decrypt}`;
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([{ line: 2 }]);
  });

  it("follows a rename and forgets a dropped function", async () => {
    const sql = [
      "CREATE FUNCTION a() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
      "ALTER FUNCTION a() RENAME TO b;",
      "CREATE FUNCTION c(int) RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
      "DROP FUNCTION c(integer);",
    ].join("\n");
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([
      { line: 1, message: expect.stringContaining("function public.b()") },
    ]);
  });

  it("keeps a function when a DROP names another overload (PostgreSQL finds no f() to drop)", async () => {
    const sql = [
      "CREATE FUNCTION f(names text[]) RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
      "DO $$ BEGIN DROP FUNCTION IF EXISTS f(); EXCEPTION WHEN OTHERS THEN NULL; END $$;",
      "CREATE TYPE mood AS ENUM ('ok');",
      "CREATE FUNCTION g(m mood) RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
      "DROP FUNCTION g(public.mood);",
    ].join("\n");
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([
      { line: 1, message: expect.stringContaining("public.f(text[])") },
    ]);
  });

  it("keeps the finding, marked suppressed, under -- drydock:allow", async () => {
    const sql = `-- drydock:allow security-definer-public-execute every role may decrypt its own row\n${decrypt}`;
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([
      { rule: "security-definer-public-execute", line: 2, suppressed: true, suppression_reason: "every role may decrypt its own row" },
    ]);
  });

  it.each([
    ["REVOKE ALL in the same migration", `${decrypt}\nREVOKE ALL ON FUNCTION platform.decrypt(uuid) FROM PUBLIC;`],
    ["REVOKE EXECUTE by name alone", `${decrypt}\nREVOKE EXECUTE ON FUNCTION platform.decrypt FROM PUBLIC, anon;`],
    ["REVOKE … ON ROUTINE", `${decrypt}\nREVOKE ALL ON ROUTINE platform.decrypt(uuid) FROM PUBLIC;`],
    [
      "a revoke through search_path",
      `${decrypt}\nSET search_path = platform;\nREVOKE ALL ON FUNCTION decrypt(uuid) FROM PUBLIC;\nGRANT EXECUTE ON FUNCTION decrypt(uuid) TO app_user;`,
    ],
    ["ON ALL FUNCTIONS IN SCHEMA after it", `${decrypt}\nREVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA platform FROM PUBLIC;`],
    [
      "ON ALL ROUTINES IN SCHEMA for a procedure",
      "CREATE PROCEDURE app.p() LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;\nREVOKE ALL ON ALL ROUTINES IN SCHEMA app FROM PUBLIC;",
    ],
    ["ALTER DEFAULT PRIVILEGES before it", `ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n${decrypt}`],
    [
      "ALTER DEFAULT PRIVILEGES FOR ROLE … ON ROUTINES before a procedure",
      "ALTER DEFAULT PRIVILEGES FOR ROLE owner REVOKE ALL ON ROUTINES FROM PUBLIC;\nCREATE PROCEDURE p() LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;",
    ],
    [
      "CREATE OR REPLACE of a function already revoked (it keeps its privileges)",
      `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nREVOKE ALL ON FUNCTION f() FROM PUBLIC;\nCREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 2 $$;`,
    ],
    ["a trigger function", "CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN NEW; END $$;"],
    ["an event trigger function", "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN END $$;"],
    ["SECURITY INVOKER", "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY INVOKER AS $$ SELECT 1 $$;"],
    ["no SECURITY clause", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"],
    [
      "a definer made SECURITY INVOKER again",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;\nALTER FUNCTION f SECURITY INVOKER;",
    ],
    ["a dropped function", `${decrypt}\nDROP FUNCTION platform.decrypt;`],
    ["a dropped schema", `${decrypt}\nDROP SCHEMA platform CASCADE;`],
  ])("accepts %s", async (_, sql) => expect(await lintSql(securityDefinerPublicExecute, sql)).toEqual([]));

  it("does not count a revoke of the grant option alone", async () => {
    const sql = `${decrypt}\nREVOKE GRANT OPTION FOR EXECUTE ON FUNCTION platform.decrypt FROM PUBLIC;`;
    expect(await lintSql(securityDefinerPublicExecute, sql)).toMatchObject([{ line: 1 }]);
  });
});

describe("security-definer-public-execute over several migrations", () => {
  it("accepts a revoke in a later migration", async () => {
    expect(await lintAll(decrypt, "REVOKE ALL ON FUNCTION platform.decrypt(uuid) FROM PUBLIC;")).toEqual([]);
    expect(await lintAll(decrypt, "SELECT 1;")).toMatchObject([{ file: "migrations/0001_test.sql", line: 1 }]);
  });

  it("reports again when a later migration grants EXECUTE back to PUBLIC", async () => {
    const found = await lintAll(
      `${decrypt}\nREVOKE ALL ON FUNCTION platform.decrypt(uuid) FROM PUBLIC;`,
      "GRANT ALL ON ALL FUNCTIONS IN SCHEMA platform TO PUBLIC;",
    );
    expect(found).toMatchObject([{ file: "migrations/0001_test.sql", line: 1 }]);
  });

  it("learns from replayed (already applied) migrations", async () => {
    // Default privileges set by an applied migration cover a function the linted one creates.
    const defaults = "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;";
    expect(await lintSql(securityDefinerPublicExecute, decrypt, { before: [defaults] })).toEqual([]);
    // A definer whose CREATE was applied is reported only in linted files (grant-to-public reports this GRANT)…
    expect(
      await lintSql(securityDefinerPublicExecute, "GRANT EXECUTE ON FUNCTION platform.decrypt TO PUBLIC;", {
        before: [`${decrypt} REVOKE ALL ON FUNCTION platform.decrypt FROM PUBLIC;`],
      }),
    ).toEqual([]);
    // …and a linted ALTER … SECURITY DEFINER of an applied function is reported at the ALTER.
    const found = await lintSql(securityDefinerPublicExecute, "SELECT 1;\nALTER FUNCTION f() SECURITY DEFINER;", {
      before: ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"],
    });
    expect(found).toMatchObject([{ file: "migrations/9999_test.sql", line: 2, message: expect.stringContaining("function public.f()") }]);
  });

  it("keeps its memory through a lint checkpoint (plain data for v8.serialize)", async () => {
    const first = [
      testMigration("0001", `${decrypt}\nCREATE FUNCTION app.g() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;`),
    ];
    const then = [testMigration("0002", "REVOKE ALL ON FUNCTION platform.decrypt FROM PUBLIC;")];
    const run = new RuleRun(settings);
    for (const migration of first) await run.add(migration);
    const checkpoint = LintCheckpointCache.restore(LintCheckpointCache.store(run.checkpoint()));
    if (!checkpoint) throw new Error("the checkpoint did not restore");
    const resumed = new RuleRun(settings);
    expect(resumed.resume(checkpoint, [...first, ...then])).toBe(1);
    for (const migration of then) await resumed.add(migration);
    expect(resumed.finish()).toMatchObject([{ file: "migrations/0001_test.sql", line: 2, message: expect.stringContaining("app.g()") }]);
  });
});
