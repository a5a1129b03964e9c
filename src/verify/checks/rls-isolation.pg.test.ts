import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { forEachEngine } from "../../../test/support/engines.js";
import { serverUrl } from "../../../test/support/test-database.js";
import { runCheck, verifyContext } from "../../../test/support/verify-context.js";
import type { Engine } from "../../db/engine.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { rlsIsolation } from "./rls-isolation.js";

/** Two tenants' rows in two RLS tables, a table without the tenant column, and a role to probe as. */
function schemaSql(role: string): string {
  return `
    CREATE ROLE ${role};
    CREATE TABLE projects (id int, org_id int);
    CREATE TABLE notes (id int, org_id int);
    CREATE TABLE countries (code text);
    INSERT INTO projects VALUES (1, 1), (2, 1), (3, 2);
    INSERT INTO notes VALUES (1, 1), (2, 2), (3, 2);
    ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant ON projects USING (org_id = nullif(current_setting('app.org', true), '')::int);
    CREATE POLICY tenant ON notes USING (org_id = nullif(current_setting('app.org', true), '')::int);
    GRANT SELECT ON projects, notes, countries TO ${role};`;
}

const tenant = "org_id = nullif(current_setting('app.org', true), '')::int";

/**
 * Two tenants' rows in two tables the role may write: an identity key, a serial key, a unique
 * key per tenant and NOT NULL columns without defaults, so an INSERT has to copy a row. The
 * policies are left to each test.
 */
function writableSql(role: string, policies: string): string {
  return `
    CREATE ROLE ${role};
    CREATE TABLE projects (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id int NOT NULL, name text NOT NULL, UNIQUE (org_id, name));
    CREATE TABLE notes (id serial PRIMARY KEY, org_id int NOT NULL, body text NOT NULL);
    INSERT INTO projects (org_id, name) VALUES (1, 'a'), (1, 'b'), (2, 'c');
    INSERT INTO notes (org_id, body) VALUES (1, 'x'), (2, 'y'), (2, 'z');
    ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    ${policies}
    GRANT SELECT, INSERT, UPDATE, DELETE ON projects, notes TO ${role};
    GRANT USAGE ON SEQUENCE notes_id_seq TO ${role};`;
}

/** Every row of the writable tables, as the owner sees them: what must be the same after the check. */
async function contents(engine: Engine): Promise<unknown> {
  const [row] = await engine.query(`
    SELECT (SELECT pg_catalog.string_agg(p::text, ' ' ORDER BY p.id) FROM projects p) AS projects,
           (SELECT pg_catalog.string_agg(n::text, ' ' ORDER BY n.id) FROM notes n) AS notes,
           current_user AS user, nullif(current_setting('app.org', true), '') AS org`);
  return row;
}

function config(role: string, probe: Record<string, unknown> = {}) {
  const base = { name: "org 1", role, settings: { "app.org": "1" }, tenant_column: "org_id", tenant_value: 1 };
  return { checks: { rls: { schemas: ["public"] }, isolation: [{ ...base, ...probe }] } };
}

forEachEngine("rls.isolation", (newTarget) => {
  /** Runs `body` on a fresh target holding the schema; drops the cluster-wide role afterwards. */
  async function withDatabase(body: (engine: Engine, role: string) => Promise<void>, schema = schemaSql): Promise<void> {
    const role = `drydock_probe_${randomBytes(4).toString("hex")}`;
    const target = await newTarget();
    const engine = await target.open();
    try {
      await engine.exec(schema(role));
      await body(engine, role);
    } finally {
      await engine.close();
      await target.dispose();
      if (target.engine === "postgres") {
        const admin = await openEngine(parseTargetUrl(serverUrl()));
        await admin.exec(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.close());
      }
    }
  }

  it("skips without probes, and passes when the probe sees only its own rows", async () => {
    await withDatabase(async (engine, role) => {
      expect(await runCheck(rlsIsolation, engine)).toMatchObject({ id: "rls.isolation", status: "skip", observed: { probes: [] } });
      const result = await runCheck(rlsIsolation, engine, { config: config(role) });
      expect(result).toMatchObject({
        status: "pass",
        // SELECT is all the role may do, so every write is refused for want of a privilege.
        summary: "1 probe over 2 tables: each sees its own rows and no other tenant's; 8 of 8 write probes refused",
        observed: {
          probes: [{ name: "org 1", tables: 2, own_rows: 3, other_rows: 0, writes: { ran: 8, refused: 8 }, passed: true }],
          writes: { ran: 8, refused: 8, leaked: 0, untested: 0, skipped: null },
        },
        details: [],
      });
      const [session] = await engine.query<{ user: string; org: string | null }>(
        "SELECT current_user AS user, nullif(current_setting('app.org', true), '') AS org",
      );
      expect(session).toEqual({ user: "postgres", org: null }); // role and settings rolled back
    });
  });

  it("fails on a leaking policy, a tenant without rows, a table without the column and a permission error", async () => {
    await withDatabase(async (engine, role) => {
      await engine.exec(`
        DROP POLICY tenant ON notes;
        CREATE POLICY leak ON notes USING (true);
        CREATE TABLE secrets (org_id int);
        INSERT INTO secrets VALUES (1);`);
      const leak = await runCheck(rlsIsolation, engine, { config: config(role) });
      expect(leak).toMatchObject({
        status: "fail",
        summary: "1 of 1 probe failed (2 rows of other tenants seen)",
        observed: { probes: [{ tables: 3, own_rows: 3, other_rows: 2, passed: false }] },
      });
      expect(leak.details).toEqual([
        'probe "org 1": public.notes: sees 2 rows of other tenants',
        expect.stringMatching(/^probe "org 1": public\.secrets: permission denied for table secrets \(42501/),
      ]);

      const explicit = await runCheck(rlsIsolation, engine, {
        config: config(role, { settings: { "app.org": "3" }, tenant_value: "3", tables: ["public.projects", "public.countries"] }),
      });
      expect(explicit).toMatchObject({ status: "fail", observed: { probes: [{ tables: 1, own_rows: 0, other_rows: 0 }] } });
      expect(explicit.details).toEqual([
        'probe "org 1": public.countries: has no column org_id',
        'probe "org 1": public.projects: sees no row with org_id = 3, so it proves nothing (seed rows for this tenant)',
        'probe "org 1": public.projects: INSERT for another tenant could not be tested: no row of the probe\'s tenant to copy',
        'probe "org 1": public.projects: UPDATE moving own rows to another tenant could not be tested: no row of the probe\'s tenant to move',
      ]);

      const missingRole = await runCheck(rlsIsolation, engine, { config: config(`${role}_missing`) });
      expect(missingRole.status).toBe("fail");
      expect(missingRole.details[0]).toMatch(/cannot act as role drydock_probe_\w+_missing: role .* does not exist/);
      const [session] = await engine.query<{ user: string }>("SELECT current_user AS user");
      expect(session?.user).toBe("postgres");
    });
  });

  it("passes when a tenant-pinned policy refuses every write, and leaves every row as it was", async () => {
    await withDatabase(
      async (engine, role) => {
        const before = await contents(engine);
        const result = await runCheck(rlsIsolation, engine, { config: config(role) });
        expect(result).toMatchObject({
          status: "pass",
          summary: "1 probe over 2 tables: each sees its own rows and no other tenant's; 8 of 8 write probes refused",
          observed: { probes: [{ own_rows: 3, other_rows: 0, passed: true }], writes: { ran: 8, refused: 8, leaked: 0, untested: 0 } },
          details: [],
        });
        expect(await contents(engine)).toEqual(before);
        expect(before).toMatchObject({ user: "postgres", org: null });
      },
      (role) =>
        writableSql(
          role,
          `CREATE POLICY tenant ON projects USING (${tenant}) WITH CHECK (${tenant});
           CREATE POLICY tenant ON notes USING (${tenant});`, // no WITH CHECK: PostgreSQL checks new rows with USING
        ),
    );
  });

  it("fails when WITH CHECK lets a tenant insert and move rows into another tenant, and leaves nothing behind", async () => {
    await withDatabase(
      async (engine, role) => {
        const before = await contents(engine);
        const result = await runCheck(rlsIsolation, engine, { config: config(role) });
        expect(result).toMatchObject({
          status: "fail",
          summary: "1 of 1 probe failed (0 rows of other tenants seen, 2 of 8 write probes leaked)",
          observed: {
            probes: [{ own_rows: 3, other_rows: 0, writes: { ran: 8, refused: 6, leaked: 2, untested: 0 }, passed: false }],
            writes: { ran: 8, refused: 6, leaked: 2, untested: 0, skipped: null },
          },
        });
        expect(result.details).toEqual([
          'probe "org 1": public.projects: INSERT of a row with org_id = 2 was accepted (policy tenant WITH CHECK (org_id IS NOT NULL))',
          'probe "org 1": public.projects: UPDATE moved 2 rows to org_id = 2 (policy tenant WITH CHECK (org_id IS NOT NULL))',
        ]);
        expect(await contents(engine)).toEqual(before);
      },
      (role) =>
        writableSql(
          role,
          `CREATE POLICY tenant ON projects USING (${tenant}) WITH CHECK (org_id IS NOT NULL);
           CREATE POLICY tenant ON notes USING (${tenant});`,
        ),
    );
  });

  it("fails when the UPDATE policy pins the old row with USING but not the new one, so a row moves tenants", async () => {
    await withDatabase(
      async (engine, role) => {
        const result = await runCheck(rlsIsolation, engine, { config: config(role) });
        expect(result).toMatchObject({ status: "fail", observed: { writes: { ran: 8, refused: 7, leaked: 1, untested: 0 } } });
        expect(result.details).toEqual(['probe "org 1": public.projects: UPDATE moved 2 rows to org_id = 2 (policy edit WITH CHECK true)']);
      },
      (role) =>
        writableSql(
          role,
          // With a WHERE clause the SELECT policy would refuse the moved row; a bare UPDATE is not held back.
          `CREATE POLICY read ON projects FOR SELECT USING (${tenant});
           CREATE POLICY add ON projects FOR INSERT WITH CHECK (${tenant});
           CREATE POLICY edit ON projects FOR UPDATE USING (${tenant}) WITH CHECK (true);
           CREATE POLICY remove ON projects FOR DELETE USING (${tenant});
           CREATE POLICY tenant ON notes USING (${tenant});`,
        ),
    );
  });

  it("fails on UPDATE and DELETE policies wider than the SELECT policy, though every read passes", async () => {
    await withDatabase(
      async (engine, role) => {
        const before = await contents(engine);
        const result = await runCheck(rlsIsolation, engine, { config: config(role) });
        expect(result).toMatchObject({
          status: "fail",
          observed: { probes: [{ other_rows: 0 }], writes: { ran: 8, refused: 6, leaked: 2, untested: 0 } },
        });
        expect(result.details).toEqual([
          'probe "org 1": public.notes: UPDATE took over 2 rows of other tenants (policy edit USING true)',
          'probe "org 1": public.notes: DELETE removed 2 rows of other tenants (policy remove USING true)',
        ]);
        expect(await contents(engine)).toEqual(before);
      },
      (role) =>
        writableSql(
          role,
          `CREATE POLICY tenant ON projects USING (${tenant});
           CREATE POLICY read ON notes FOR SELECT USING (${tenant});
           CREATE POLICY add ON notes FOR INSERT WITH CHECK (${tenant});
           CREATE POLICY edit ON notes FOR UPDATE USING (true) WITH CHECK (${tenant});
           CREATE POLICY remove ON notes FOR DELETE USING (true);`,
        ),
    );
  });

  it("warns on writes it could not test: a copied unique key, a table without another tenant", async () => {
    await withDatabase(
      async (engine, role) => {
        const result = await runCheck(rlsIsolation, engine, { config: config(role) });
        expect(result).toMatchObject({
          status: "warn",
          summary: "1 probe over 2 tables: no other tenant's row seen or written, but 5 of 8 write probes could not be tested",
          observed: { writes: { ran: 8, refused: 3, leaked: 0, untested: 5 } },
        });
        expect(result.details).toEqual([
          'probe "org 1": public.notes: INSERT for another tenant could not be tested: no row of another tenant to take its org_id from (seed one)',
          'probe "org 1": public.notes: UPDATE moving own rows to another tenant could not be tested: no row of another tenant to take its org_id from (seed one)',
          'probe "org 1": public.notes: UPDATE of other tenants\' rows could not be tested: no row of another tenant to protect (seed one)',
          'probe "org 1": public.notes: DELETE of other tenants\' rows could not be tested: no row of another tenant to protect (seed one)',
          expect.stringMatching(
            /^probe "org 1": public\.projects: INSERT for another tenant could not be tested: duplicate key value violates unique constraint "projects_name_key" \(23505/,
          ),
        ]);
      },
      (role) =>
        writableSql(
          role,
          // The INSERT policy lets anything in, but the copied name collides before the row lands.
          `ALTER TABLE projects ADD UNIQUE (name);
           CREATE POLICY tenant ON projects USING (${tenant});
           CREATE POLICY add ON projects FOR INSERT WITH CHECK (true);
           CREATE POLICY tenant ON notes USING (${tenant});
           DELETE FROM notes WHERE org_id = 2;`,
        ),
    );
  });

  it("writes nothing on a live database: no write probe, in a READ ONLY transaction", async () => {
    await withDatabase(
      async (engine, role) => {
        const live = { ...(await verifyContext(engine, { config: config(role) })), purpose: "live" as const };
        const result = await rlsIsolation.run(live);
        expect(result).toMatchObject({
          status: "pass",
          summary: "1 probe over 2 tables: each sees its own rows and no other tenant's; write probes not run on a live database",
          observed: {
            probes: [{ own_rows: 3, writes: { ran: 0, refused: 0, leaked: 0, untested: 0 }, passed: true }],
            writes: { ran: 0, skipped: "live database: write probes run only in rehearsals" },
          },
        });
      },
      (role) =>
        writableSql(
          role,
          // notes shows its rows only inside a READ ONLY transaction.
          `CREATE POLICY tenant ON projects USING (${tenant}) WITH CHECK (org_id IS NOT NULL);
           CREATE POLICY tenant ON notes USING (${tenant} AND current_setting('transaction_read_only') = 'on');`,
        ),
    );
  });
});
