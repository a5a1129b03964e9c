import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { forEachEngine } from "../../test/support/engines.js";
import { serverUrl, useTestDatabase } from "../../test/support/test-database.js";
import { snapshotOf, testMigration, testPlan, verifyContext } from "../../test/support/verify-context.js";
import { ensureHistory, recordMigrationSql } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import type { ObjectKind } from "../model/analysis.js";
import type { Check } from "./check.js";
import { checks } from "./registry.js";
import { runChecks } from "./run-checks.js";

const check = (id: string, run: Check["run"]): Check => ({ id, description: "a check for tests", run });
const passing = check("test.passes", async () => ({ id: "test.passes", status: "pass", summary: "ok", observed: { n: 1 }, details: [] }));

/** A small multi-tenant schema that every check can judge, and passes. */
function healthySql(role: string): string {
  return `
    CREATE ROLE ${role};
    CREATE TABLE orgs (id int PRIMARY KEY);
    CREATE TABLE projects (id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs);
    CREATE INDEX projects_org_id ON projects (org_id);
    INSERT INTO orgs VALUES (1), (2);
    INSERT INTO projects VALUES (1, 1), (2, 2), (3, 1);
    ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
    ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant ON orgs USING (id = nullif(current_setting('app.org', true), '')::int);
    CREATE POLICY tenant ON projects USING (org_id = nullif(current_setting('app.org', true), '')::int);
    GRANT SELECT ON orgs, projects TO ${role};`;
}

forEachEngine("runChecks", (newTarget) => {
  it("runs every registered check in order; a healthy database passes them all", async () => {
    const role = `drydock_verify_${randomBytes(4).toString("hex")}`;
    const target = await newTarget();
    const engine = await target.open();
    try {
      const sql = healthySql(role);
      await engine.exec(sql);
      await ensureHistory(engine);
      const migration = testMigration("0001", sql);
      const row = { version: "0001", name: "", checksum: migration.checksum, appliedBy: "test", durationMs: 1, runId: null };
      await engine.exec(recordMigrationSql({ ...row, kind: "versioned", file: migration.up.file }));
      const created = (kind: ObjectKind, name: string) => ({ kind, name });
      const plan = testPlan([
        {
          version: "0001",
          creates: [
            created("table", "public.orgs"),
            created("table", "public.projects"),
            created("index", "public.projects_org_id"),
            created("policy", "public.projects.tenant"),
          ],
        },
      ]);
      const config = {
        checks: {
          rls: { schemas: ["public"] },
          isolation: [{ name: "org 1", role, settings: { "app.org": "1" }, tenant_column: "org_id", tenant_value: 1 }],
          invariant: [{ name: "every project has an org", sql: "SELECT count(*) FROM projects WHERE org_id IS NULL", expect: 0 }],
          benchmark: [{ name: "projects of org 1", sql: "SELECT * FROM projects WHERE org_id = 1", budget_ms: 5000 }],
        },
      };
      const before = await snapshotOf(engine);
      const context = await verifyContext(engine, { config, migrations: [migration], plan, before });
      const results = await runChecks(context);
      expect(results.map((result) => result.id)).toEqual(checks.map((registered) => registered.id));
      expect(results.map((result) => `${result.id}: ${result.status}`)).toEqual(checks.map((registered) => `${registered.id}: pass`));
    } finally {
      await engine.close();
      await target.dispose();
      if (target.engine === "postgres") {
        const admin = await openEngine(parseTargetUrl(serverUrl()));
        await admin.exec(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.close());
      }
    }
  });
});

describe("runChecks failures", () => {
  const db = useTestDatabase();

  it("turns a server error into a failed check, rolls back what the check left open, and goes on", async () => {
    const leavesTransactionOpen = check("test.breaks", async ({ engine }) => {
      await engine.exec("BEGIN; CREATE TABLE leftover (id int);");
      await engine.query("SELECT * FROM nowhere");
      throw new Error("unreachable");
    });
    const results = await runChecks(await verifyContext(db.current.engine), { checks: [leavesTransactionOpen, passing] });
    expect(results).toEqual([
      {
        id: "test.breaks",
        status: "fail",
        summary: 'could not run: relation "nowhere" does not exist (42P01 undefined_table)',
        observed: { error: { sqlstate: "42P01", message: 'relation "nowhere" does not exist' } },
        details: ['42P01 undefined_table: relation "nowhere" does not exist'],
      },
      expect.objectContaining({ id: "test.passes", status: "pass" }),
    ]);
    const [leftover] = await db.current.query<{ present: boolean }>("SELECT to_regclass('leftover') IS NOT NULL AS present");
    expect(leftover?.present).toBe(false);
  });

  it("lets any other exception through", async () => {
    const buggy = check("test.bug", async () => {
      throw new TypeError("a drydock bug");
    });
    await expect(runChecks(await verifyContext(db.current.engine), { checks: [buggy, passing] })).rejects.toThrow("a drydock bug");
  });
});
