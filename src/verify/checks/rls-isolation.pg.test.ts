import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { forEachEngine } from "../../../test/support/engines.js";
import { serverUrl } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
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

function config(role: string, probe: Record<string, unknown> = {}) {
  const base = { name: "org 1", role, settings: { "app.org": "1" }, tenant_column: "org_id", tenant_value: 1 };
  return { checks: { rls: { schemas: ["public"] }, isolation: [{ ...base, ...probe }] } };
}

forEachEngine("rls.isolation", (newTarget) => {
  /** Runs `body` on a fresh target holding the schema; drops the cluster-wide role afterwards. */
  async function withDatabase(body: (engine: Engine, role: string) => Promise<void>): Promise<void> {
    const role = `drydock_probe_${randomBytes(4).toString("hex")}`;
    const target = await newTarget();
    const engine = await target.open();
    try {
      await engine.exec(schemaSql(role));
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
        summary: "1 probe over 2 tables: each sees its own rows and no other tenant's",
        observed: { probes: [{ name: "org 1", tables: 2, own_rows: 3, other_rows: 0, passed: true }] },
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
      ]);

      const missingRole = await runCheck(rlsIsolation, engine, { config: config(`${role}_missing`) });
      expect(missingRole.status).toBe("fail");
      expect(missingRole.details[0]).toMatch(/cannot act as role drydock_probe_\w+_missing: role .* does not exist/);
      const [session] = await engine.query<{ user: string }>("SELECT current_user AS user");
      expect(session?.user).toBe("postgres");
    });
  });
});
