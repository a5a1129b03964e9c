import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
import { rlsEnabled } from "./rls-enabled.js";

const db = useTestDatabase();

const tables = `
  CREATE SCHEMA app;
  CREATE TABLE app.orgs (id int PRIMARY KEY);
  CREATE TABLE app.events (org_id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE public.lookup (code text);`;
const config = (force: string[] = []) => ({ project: { schemas: ["app", "public"] }, checks: { rls: { schemas: ["app"], force } } });

describe("rls.enabled", () => {
  it("skips when no schema requires RLS", async () => {
    const result = await runCheck(rlsEnabled, db.current.engine);
    expect(result).toMatchObject({ id: "rls.enabled", status: "skip", observed: { schemas: 0 } });
    expect(result.summary).toMatch(/checks\.rls\.schemas is empty/);
  });

  it("passes when every table of the RLS schemas has RLS, forced where configured", async () => {
    await db.current.exec(`${tables}
      ALTER TABLE app.orgs ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
      ALTER TABLE app.events ENABLE ROW LEVEL SECURITY;
      ALTER TABLE app.events_2024 ENABLE ROW LEVEL SECURITY;`);
    const result = await runCheck(rlsEnabled, db.current.engine, { config: config(["app.orgs"]) });
    expect(result).toMatchObject({
      status: "pass",
      summary: "3 tables in app, all with RLS enabled, 1 forced as required",
      observed: { schemas: 1, tables: 3, without_rls: 0, force_required: 1, without_force: 0, unread_schemas: 0 },
      details: [],
    });
  });

  it("fails on a table without RLS (a partition counts on its own) and on one without FORCE", async () => {
    await db.current.exec(`${tables}
      ALTER TABLE app.orgs ENABLE ROW LEVEL SECURITY;
      ALTER TABLE app.events ENABLE ROW LEVEL SECURITY;`);
    const result = await runCheck(rlsEnabled, db.current.engine, { config: config(["app"]) });
    expect(result).toMatchObject({
      status: "fail",
      summary: "3 tables in app: 1 without RLS, 3 of 3 without FORCE",
      observed: { tables: 3, without_rls: 1, force_required: 3, without_force: 3 },
    });
    expect(result.details[0]).toBe("app.events_2024: row-level security is not enabled");
    expect(result.details).toContain("app.orgs: row-level security is not forced (checks.rls.force), so its owner bypasses it");
  });

  it("fails when an RLS schema was not read, and warns on a force entry that matches nothing", async () => {
    await db.current.exec(`${tables}
      ALTER TABLE app.orgs ENABLE ROW LEVEL SECURITY;
      ALTER TABLE app.events ENABLE ROW LEVEL SECURITY;
      ALTER TABLE app.events_2024 ENABLE ROW LEVEL SECURITY;`);
    const unread = await runCheck(rlsEnabled, db.current.engine, { config: { checks: { rls: { schemas: ["app"] } } } });
    expect(unread).toMatchObject({ status: "fail", observed: { tables: 0, unread_schemas: 1 } });
    expect(unread.details[0]).toMatch(/^schema app is in checks\.rls\.schemas but not in project\.schemas/);

    const typo = await runCheck(rlsEnabled, db.current.engine, { config: config(["app.org"]) });
    expect(typo).toMatchObject({ status: "warn", observed: { tables: 3, without_rls: 0, force_required: 0 } });
    expect(typo.details).toEqual(['checks.rls.force entry "app.org" matches no table']);
  });
});
