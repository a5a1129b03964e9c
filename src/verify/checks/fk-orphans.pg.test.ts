import { expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../../test/support/engines.js";
import { runCheck } from "../../../test/support/verify-context.js";
import type { Engine } from "../../db/engine.js";
import { fkOrphans } from "./fk-orphans.js";

const schemaSql = `
  CREATE TABLE orgs (id int PRIMARY KEY);
  CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b));
  CREATE TABLE projects (id int PRIMARY KEY, org_id int REFERENCES orgs, parent_id int REFERENCES projects);
  CREATE TABLE links (a int, b int, FOREIGN KEY (a, b) REFERENCES pairs MATCH FULL);
  CREATE TABLE events (org_id int REFERENCES orgs, at date) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  INSERT INTO orgs VALUES (1), (2);
  INSERT INTO pairs VALUES (1, 1);
  INSERT INTO projects VALUES (1, 1, NULL), (2, NULL, 1);
  INSERT INTO links VALUES (1, 1), (NULL, NULL);
  INSERT INTO events VALUES (2, '2024-05-01');`;

forEachEngine("fk.orphans", (newTarget) => {
  async function withDatabase(body: (engine: Engine, target: TestTarget) => Promise<void>): Promise<void> {
    const target = await newTarget();
    const engine = await target.open();
    try {
      await engine.exec(schemaSql);
      await body(engine, target);
    } finally {
      await engine.close();
      await target.dispose();
    }
  }

  it("passes when every referencing row has its parent (NULL keys exempt)", async () => {
    await withDatabase(async (engine) => {
      const result = await runCheck(fkOrphans, engine);
      expect(result).toMatchObject({
        id: "fk.orphans",
        status: "pass",
        summary: "4 foreign keys, no orphaned row",
        observed: { foreign_keys: 4, not_valid: 0, orphaned_rows: 0, keys_with_orphans: 0 },
        details: [],
      });
    });
  });

  it("counts rows that break a key: loaded with triggers off, or under a NOT VALID key, MATCH FULL half-null", async () => {
    await withDatabase(async (engine) => {
      await engine.exec(`
        SET session_replication_role = replica; -- RI triggers do not fire: how a bulk load can leave orphans
        INSERT INTO projects VALUES (3, 9, NULL), (4, 9, 7);
        INSERT INTO links VALUES (1, NULL);
        INSERT INTO events VALUES (5, '2024-06-01');
        SET session_replication_role = origin;
        CREATE TABLE tasks (project_id int);
        INSERT INTO tasks VALUES (1), (42), (NULL);
        ALTER TABLE tasks ADD FOREIGN KEY (project_id) REFERENCES projects NOT VALID;`);
      const result = await runCheck(fkOrphans, engine);
      expect(result).toMatchObject({
        status: "fail",
        summary: "6 orphaned rows in 5 of 5 foreign keys",
        observed: { foreign_keys: 5, not_valid: 1, orphaned_rows: 6, keys_with_orphans: 5 },
      });
      expect(result.details).toEqual([
        "public.events.events_org_id_fkey: 1 orphaned row (org_id → public.orgs)",
        "public.links.links_a_b_fkey: 1 orphaned row (a, b → public.pairs)",
        "public.projects.projects_org_id_fkey: 2 orphaned rows (org_id → public.orgs)",
        "public.projects.projects_parent_id_fkey: 1 orphaned row (parent_id → public.projects)",
        "public.tasks.tasks_project_id_fkey: 1 orphaned row (project_id → public.projects, NOT VALID)",
      ]);
    });
  });

  it("counts every key of a schema with more keys than one round trip sends", async () => {
    await withDatabase(async (engine) => {
      const columns = Array.from({ length: 101 }, (_, index) => `o${String(index).padStart(3, "0")} int REFERENCES orgs`);
      await engine.exec(`
        CREATE TABLE wide (${columns.join(", ")});
        SET session_replication_role = replica;
        INSERT INTO wide (o000, o100) VALUES (1, 7);
        SET session_replication_role = origin;`);
      const result = await runCheck(fkOrphans, engine);
      expect(result).toMatchObject({
        status: "fail",
        summary: "1 orphaned row in 1 of 105 foreign keys",
        observed: { foreign_keys: 105, orphaned_rows: 1, keys_with_orphans: 1 },
        details: ["public.wide.wide_o100_fkey: 1 orphaned row (o100 → public.orgs)"],
      });
    });
  });
});
