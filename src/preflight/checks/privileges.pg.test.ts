import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import type { Engine } from "../../db/engine.js";
import { ensureHistory, historyGrantsSql, startRun, thisProcessRun } from "../../db/history.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { EnvironmentError } from "../../errors/drydock-error.js";
import { privileges } from "./privileges.js";

const db = useTestDatabase();

/**
 * Runs `body` with a session of a new login role (and an owner role it may be made a member of),
 * dropped after. Unless `history` is "none", drydock's history exists first and the role may
 * write to it ("created"), or not ("not granted").
 */
async function asNewRole(
  body: (engine: Engine, role: string, ownerRole: string) => Promise<void>,
  history: "granted" | "not granted" | "none" = "granted",
): Promise<void> {
  const role = `drydock_pf_${randomBytes(4).toString("hex")}`;
  const ownerRole = `${role}_owner`;
  const password = randomBytes(12).toString("hex");
  await db.current.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'; CREATE ROLE ${ownerRole};`);
  if (history !== "none") await ensureHistory(db.current.engine);
  if (history === "granted") await db.current.exec(historyGrantsSql(role));
  const url = new URL(db.current.url);
  url.username = role;
  url.password = password;
  const engine = await openEngine(parseTargetUrl(url.toString()));
  try {
    await body(engine, role, ownerRole);
  } finally {
    await engine.close();
    await db.current.exec(`DROP OWNED BY ${role}, ${ownerRole}; DROP ROLE ${role}; DROP ROLE ${ownerRole};`);
  }
}

const migrations = {
  "0001_setup.sql": `
    CREATE TABLE public.projects (id int);
    ALTER TABLE public.orgs ADD COLUMN plan text;
    CREATE TRIGGER audit BEFORE INSERT ON public.events FOR EACH ROW EXECUTE FUNCTION public.noop();
    CREATE SCHEMA app;
    CREATE EXTENSION IF NOT EXISTS citext;`,
};

describe("preflight.privileges", () => {
  it("passes for a superuser", async () => {
    await db.current.exec(
      "CREATE TABLE orgs (id int); CREATE TABLE events (id int); CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';",
    );
    const result = await runPreflightCheck(privileges, db.current.engine, { migrations });
    expect(result).toMatchObject({
      id: "preflight.privileges",
      status: "pass",
      summary: "postgres may do what the pending migrations do (1 schema written, 2 existing objects changed)",
      observed: { is_superuser: true, schemas: 1, creates_schemas: 1, objects_changed: 2, objects_not_owned: 0 },
    });
  });

  it("fails naming each missing privilege, then passes once they are granted", async () => {
    await db.current.exec(
      "CREATE TABLE orgs (id int); CREATE TABLE events (id int); CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';",
    );
    await asNewRole(async (engine, role, ownerRole) => {
      const denied = await runPreflightCheck(privileges, engine, { migrations });
      expect(denied).toMatchObject({
        status: "fail",
        summary: `${role} cannot do what the pending migrations need: 6 problems (1 schema written, 2 existing objects changed)`,
        observed: { user: role, is_superuser: false, schemas_without_create: 1, can_create_in_database: false, objects_not_owned: 2 },
      });
      expect(denied.details).toEqual([
        `no CREATE on schema public, needed by 0001: GRANT CREATE ON SCHEMA public TO ${role}`,
        `no CREATE on database ${db.current.name}, needed to create schema app (0001): GRANT CREATE ON DATABASE ${db.current.name} TO ${role}`,
        `no CREATE on database ${db.current.name}, needed to create extension citext (0001)`,
        `no CREATE on database ${db.current.name}, needed to create drydock's history (schema drydock): ` +
          `GRANT CREATE ON DATABASE ${db.current.name} TO ${role}, or CREATE SCHEMA drydock AUTHORIZATION ${role}`,
        "0001 alters table public.orgs, owned by postgres: only its owner, a member of postgres or a superuser may",
        "0001 creates trigger audit of table public.events, owned by postgres: only its owner, a member of postgres or a superuser may",
      ]);

      await db.current.exec(`
        GRANT CREATE ON SCHEMA public TO ${role};
        GRANT CREATE ON DATABASE ${db.current.name} TO ${role};
        ALTER TABLE orgs OWNER TO ${ownerRole};
        GRANT ${ownerRole} TO ${role};
        GRANT TRIGGER ON events TO ${role};`);
      const granted = await runPreflightCheck(privileges, engine, { migrations });
      expect(granted).toMatchObject({ status: "pass", observed: { schemas_without_create: 0, objects_not_owned: 0, objects_changed: 2 } });
    }, "none");
  });

  it("needs to write drydock's history where another role created it, and no more", async () => {
    const onlyATable = { "0001_notes.sql": "CREATE TABLE public.notes (id int);" };
    await asNewRole(async (engine, role) => {
      await db.current.exec(`GRANT CREATE ON SCHEMA public TO ${role};`);
      const unread = await runPreflightCheck(privileges, engine, { migrations: onlyATable }).catch((caught: unknown) => caught);
      expect(unread).toBeInstanceOf(EnvironmentError);
      expect(unread).toMatchObject({
        message: `${role} may not read drydock's history: permission denied for schema drydock`,
        details: { hint: `Have the owner of schema drydock run: ${historyGrantsSql(role)}` },
      });

      // A role that may read the history (a reporting role, say) but not write it.
      await db.current.exec(`GRANT USAGE ON SCHEMA drydock TO ${role}; GRANT SELECT ON drydock.migrations, drydock.runs TO ${role};`);
      const readOnly = await runPreflightCheck(privileges, engine, { migrations: onlyATable });
      expect(readOnly).toMatchObject({ status: "fail", observed: { history_writable: false } });
      expect(readOnly.details).toEqual([
        `no INSERT or UPDATE on drydock.runs: GRANT INSERT, UPDATE ON drydock.runs TO ${role}`,
        `no INSERT, UPDATE or DELETE on drydock.migrations: GRANT INSERT, UPDATE, DELETE ON drydock.migrations TO ${role}`,
        `no USAGE on sequence drydock.runs_id_seq: GRANT USAGE ON SEQUENCE drydock.runs_id_seq TO ${role}`,
      ]);

      // No CREATE on the database is needed: a complete history is written, never created again.
      await db.current.exec(historyGrantsSql(role));
      const granted = await runPreflightCheck(privileges, engine, { migrations: onlyATable });
      expect(granted).toMatchObject({ status: "pass", observed: { history_writable: true, can_create_in_database: false } });
      await ensureHistory(engine);
      const runId = await startRun(engine, thisProcessRun("apply", "test", null, null));
      expect(runId).toBeGreaterThan(0);
    }, "not granted");
  });

  it("says what to grant when the role may not create drydock's history", async () => {
    await asNewRole(async (engine, role) => {
      const error = await ensureHistory(engine).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect(error).toMatchObject({
        message: `${role} may not create drydock's history (schema drydock): permission denied for database ${db.current.name}`,
        exitCode: 3,
        details: {
          hint: `Have the database owner run GRANT CREATE ON DATABASE ${db.current.name} TO ${role}, or create the schema for drydock: CREATE SCHEMA drydock AUTHORIZATION ${role}.`,
        },
      });
      const [schema] = await db.current.query<{ present: boolean }>("SELECT to_regnamespace('drydock') IS NOT NULL AS present");
      expect(schema?.present).toBe(false);
    }, "none");
  });

  it("needs the owner of a table it indexes, and REFERENCES on a table its foreign key points to", async () => {
    await db.current.exec("CREATE TABLE plans (id int PRIMARY KEY, name text); CREATE TABLE accounts (id int PRIMARY KEY);");
    const indexAndReference = {
      "0001_index.sql": "CREATE INDEX plans_name ON public.plans (name);",
      "0002_subs.sql": "CREATE TABLE public.subs (account_id int REFERENCES public.accounts (id));",
    };
    await asNewRole(async (engine, role, ownerRole) => {
      await db.current.exec(`GRANT CREATE ON SCHEMA public TO ${role};`);
      const denied = await runPreflightCheck(privileges, engine, { migrations: indexAndReference });
      expect(denied).toMatchObject({ status: "fail", observed: { objects_changed: 2, objects_not_owned: 2 } });
      expect(denied.details).toEqual([
        "0001 creates an index on table public.plans, owned by postgres: only its owner, a member of postgres or a superuser may",
        `0002 adds a foreign key referencing table public.accounts, owned by postgres: needs REFERENCES on it: GRANT REFERENCES ON public.accounts TO ${role}`,
      ]);

      await db.current.exec(
        `ALTER TABLE plans OWNER TO ${ownerRole}; GRANT ${ownerRole} TO ${role}; GRANT REFERENCES ON accounts TO ${role};`,
      );
      const granted = await runPreflightCheck(privileges, engine, { migrations: indexAndReference });
      expect(granted).toMatchObject({ status: "pass", observed: { objects_changed: 2, objects_not_owned: 0 } });
    });
  });

  it("warns when an extension is not trusted and the user is no superuser", async () => {
    await asNewRole(async (engine, role) => {
      await db.current.exec(`GRANT CREATE ON DATABASE ${db.current.name} TO ${role};`);
      const result = await runPreflightCheck(privileges, engine, { migrations: { "0001_fdw.sql": "CREATE EXTENSION file_fdw;" } });
      expect(result).toMatchObject({ status: "warn", observed: { untrusted_extensions: 1 } });
      expect(result.details).toEqual([
        "extension file_fdw (0001) is not trusted: only a superuser can create it, unless the provider allows it",
      ]);
    });
  });

  it("checks what a drop or a rename needs: the owner of a function, a type, a view", async () => {
    await db.current.exec(`
      CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';
      CREATE TYPE mood AS ENUM ('ok');
      CREATE VIEW v AS SELECT 1 AS one;`);
    await asNewRole(async (engine) => {
      const result = await runPreflightCheck(privileges, engine, {
        migrations: { "0001_drop.sql": "DROP FUNCTION add(int, int);\nDROP TYPE mood;\nALTER VIEW v RENAME TO w;" },
      });
      expect(result).toMatchObject({ status: "fail", observed: { objects_changed: 3, objects_not_owned: 3 } });
      expect(result.details).toEqual([
        expect.stringMatching(/^0001 drops function public\.add\(int4, int4\), owned by postgres/),
        "0001 drops type public.mood, owned by postgres: only its owner, a member of postgres or a superuser may",
        expect.stringMatching(/^0001 renames view public\.v, owned by postgres/),
      ]);
    });
  });

  it("leaves roles out of ownership: they are the cluster's, and CREATEROLE, not ownership, governs them", async () => {
    await db.current.exec("CREATE TABLE orgs (id int);");
    const result = await runPreflightCheck(privileges, db.current.engine, {
      migrations: {
        "0001_roles.sql": `
          ALTER ROLE app_r SET statement_timeout = '5s';
          ALTER ROLE app_r RENAME TO app_reader;
          GRANT SELECT ON public.orgs TO app_reader;
          ALTER TABLE public.orgs OWNER TO app_reader;
          DROP ROLE IF EXISTS app_old;`,
      },
    });
    expect(result).toMatchObject({ status: "pass", observed: { objects_changed: 1, objects_not_owned: 0 } });
  });
});
