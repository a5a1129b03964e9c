import { describe, expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { useTestDatabase } from "../../test/support/test-database.js";
import { loadProject } from "../api/load-project.js";
import { plan } from "../api/plan.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import type { LockMode } from "../model/analysis.js";
import { buildPlan } from "./build-plan.js";

const project = useTempProjects();
const db = useTestDatabase();

const tables = `
  CREATE TABLE projects (id int PRIMARY KEY);
  CREATE TABLE domains (id int PRIMARY KEY, name text);`;
const published = `
  CREATE TABLE published (
    id int PRIMARY KEY,
    project_id int REFERENCES projects,
    domain_id int,
    CONSTRAINT published_domain_fk FOREIGN KEY (domain_id) REFERENCES domains (id)
  );`;

interface ForeignKeyCase {
  name: string;
  /** Earlier migrations, applied before. */
  setup: string[];
  /** The migration whose locks are predicted and observed. */
  sql: string;
  /** Tables the migration does not name, with the lock it takes on them through a foreign key. */
  expected: Record<string, LockMode>;
}

const AX = "AccessExclusiveLock";

const cases: ForeignKeyCase[] = [
  {
    name: "DROP TABLE of a referencing table",
    setup: [tables, published],
    sql: "DROP TABLE published;",
    expected: { projects: AX, domains: AX },
  },
  {
    name: "DROP TABLE … CASCADE of a referenced table",
    setup: [tables, published],
    sql: "DROP TABLE domains CASCADE;",
    expected: { published: AX },
  },
  {
    name: "DROP CONSTRAINT of a foreign key, after a rename of its table",
    setup: [tables, published, "ALTER TABLE published RENAME TO releases;"],
    sql: "ALTER TABLE releases DROP CONSTRAINT published_domain_fk;",
    expected: { domains: AX },
  },
  {
    name: "DROP COLUMN of a foreign key's column (its implicit name followed)",
    setup: [tables, published],
    sql: "ALTER TABLE published DROP COLUMN project_id;",
    expected: { projects: AX },
  },
  {
    name: "DROP COLUMN of a foreign key's column renamed by an earlier migration",
    setup: [tables, published, "ALTER TABLE published RENAME COLUMN project_id TO owner_id;"],
    sql: "ALTER TABLE published DROP COLUMN owner_id;",
    expected: { projects: AX },
  },
  {
    name: "a foreign key added by ALTER TABLE, then its table dropped",
    setup: [tables, "CREATE TABLE notes (id int, domain_id int);", "ALTER TABLE notes ADD FOREIGN KEY (domain_id) REFERENCES domains;"],
    sql: "DROP TABLE notes;",
    expected: { domains: AX },
  },
  {
    name: "DROP INDEX of an index another migration built, after its table was renamed",
    setup: [tables, "CREATE INDEX domains_name_idx ON domains (name);", "ALTER TABLE domains RENAME TO hosts;"],
    sql: "DROP INDEX domains_name_idx;",
    expected: { hosts: AX },
  },
];

describe("locks a migration takes through foreign keys and indexes other migrations made", () => {
  for (const testCase of cases) {
    it(`${testCase.name}: predicted, and what PostgreSQL takes`, async () => {
      const files = Object.fromEntries([
        ...testCase.setup.map((sql, index) => [`migrations/000${index + 1}_setup.sql`, sql]),
        ["migrations/0009_change.sql", testCase.sql],
      ]);
      const dir = await project(files);
      const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
      const plan = await buildPlan({ migrations, pending: null, searchPath: ["public"] });
      expect(plan.findings).toEqual([]);
      const predicted = Object.fromEntries(
        (plan.migrations.find((migration) => migration.version === "0009")?.locks ?? []).map((lock) => [lock.relation, lock.mode]),
      );
      for (const [table, mode] of Object.entries(testCase.expected)) expect(predicted[`public.${table}`], table).toBe(mode);

      for (const sql of testCase.setup) await db.current.exec(sql);
      await db.current.exec(`BEGIN; ${testCase.sql}`);
      try {
        const held = await db.current.query<{ relation: string; mode: string }>(
          `SELECT c.relname AS relation, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE l.pid = pg_backend_pid() AND c.relname = ANY($1::text[])`,
          [Object.keys(testCase.expected)],
        );
        const strongest = Object.fromEntries(
          Object.keys(testCase.expected).map((table) => [table, held.some((row) => row.relation === table && row.mode === AX) ? AX : null]),
        );
        expect(strongest).toEqual(testCase.expected);
      } finally {
        await db.current.exec("ROLLBACK");
      }
    });
  }

  it("gives DROP INDEX CONCURRENTLY's table its SHARE UPDATE EXCLUSIVE", async () => {
    const dir = await project({
      "migrations/0001_domains.sql": `${tables}\nCREATE INDEX domains_name_idx ON domains (name);`,
      "migrations/0002_drop.sql": "-- drydock:no-transaction\nDROP INDEX CONCURRENTLY domains_name_idx;",
    });
    const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
    const plan = await buildPlan({ migrations, pending: null, searchPath: ["public"] });
    expect(plan.migrations[1]?.locks).toEqual([
      { relation: "public.domains_name_idx", mode: "ShareUpdateExclusiveLock" },
      { relation: "public.domains", mode: "ShareUpdateExclusiveLock" },
    ]);
  });

  it("predicts nothing more for a table without foreign keys, or a self-reference", async () => {
    const dir = await project({
      "migrations/0001_tree.sql": `${tables}\nCREATE TABLE tree (id int PRIMARY KEY, parent_id int REFERENCES tree);`,
      "migrations/0002_drop.sql": "DROP TABLE tree;\nALTER TABLE domains DROP COLUMN name;",
    });
    const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
    const plan = await buildPlan({ migrations, pending: null, searchPath: ["public"] });
    expect(plan.migrations[1]?.locks).toEqual([
      { relation: "public.tree", mode: AX },
      { relation: "public.domains", mode: AX },
    ]);
  });

  it("follows the target's own foreign keys and indexes in a plan against it, and PostgreSQL takes those locks", async () => {
    // Made by hand (or by a history drydock never saw): no migration creates them.
    await db.current.exec(`${tables}
      ${published}
      CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (id int PRIMARY KEY, domain_id int CONSTRAINT invoices_domain_fk REFERENCES domains);
      CREATE INDEX invoices_domain_idx ON billing.invoices (domain_id);`);
    const change = `DROP TABLE published;
      ALTER TABLE billing.invoices DROP CONSTRAINT invoices_domain_fk;
      DROP INDEX billing.invoices_domain_idx;`;
    const dir = await project({ "migrations/0001_change.sql": change });
    const planned = await plan(await loadProject({ dir, environment: {} }), { url: db.current.url });
    expect(planned.findings).toEqual([]);
    const predicted = Object.fromEntries((planned.migrations[0]?.locks ?? []).map((lock) => [lock.relation, lock.mode]));
    const tablesLocked = ["billing.invoices", "public.domains", "public.projects", "public.published"];
    expect(predicted).toEqual({ ...Object.fromEntries(tablesLocked.map((table) => [table, AX])), "billing.invoices_domain_idx": AX });

    await db.current.exec(`BEGIN; ${change}`);
    try {
      const held = await db.current.query<{ relation: string }>(
        `SELECT DISTINCT n.nspname || '.' || c.relname AS relation
           FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE l.pid = pg_backend_pid() AND l.mode = 'AccessExclusiveLock' AND c.relkind IN ('r', 'p')`,
      );
      // published is dropped: its lock is held, but pg_class no longer names it in this transaction.
      expect(held.map((row) => row.relation).sort()).toEqual(tablesLocked.filter((table) => table !== "public.published"));
    } finally {
      await db.current.exec("ROLLBACK");
    }
  });

  it("locks every relation DROP SCHEMA … CASCADE or DROP TABLE … CASCADE drops unnamed, and their foreign keys' tables", async () => {
    const setup = `CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (id int PRIMARY KEY);
      CREATE TABLE billing.items (note text);
      CREATE VIEW billing.open_invoices AS SELECT id FROM billing.invoices;
      CREATE TABLE orders (id int, invoice_id int REFERENCES billing.invoices);
      CREATE TABLE domains (id int PRIMARY KEY);
      CREATE VIEW domain_ids AS SELECT id FROM domains;`;
    const change = "DROP SCHEMA billing CASCADE;\nDROP TABLE domains CASCADE;";
    const dir = await project({ "migrations/0001_setup.sql": setup, "migrations/0002_drop.sql": change });
    const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
    const planned = await buildPlan({ migrations, pending: null, searchPath: ["public"] });
    expect(planned.findings).toEqual([]);
    const predicted = (planned.migrations[1]?.locks ?? []).filter((lock) => lock.mode === AX).map((lock) => lock.relation);
    const expected = ["billing.invoices", "billing.items", "billing.open_invoices", "public.domain_ids", "public.domains", "public.orders"];
    expect([...predicted].sort()).toEqual(expected);

    await db.current.exec(setup);
    expect(await exclusivelyLocked(change, ["billing", "public"])).toEqual(expected);
  });

  it("lists what CASCADE takes along (views, other tables' policies, triggers) and locks their tables, as PostgreSQL does", async () => {
    const setup = `CREATE TABLE members (org_id int, user_id int);
      CREATE TABLE orgs (id int PRIMARY KEY);
      ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
      CREATE POLICY orgs_member ON orgs USING (id IN (SELECT org_id FROM members));
      CREATE POLICY members_own ON members USING (user_id = 1);
      CREATE TABLE users (id int);
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
      CREATE VIEW org_ids AS SELECT id FROM orgs;
      CREATE VIEW org_count AS SELECT count(*) FROM org_ids;`;
    const change = "DROP TABLE members CASCADE;\nDROP FUNCTION touch() CASCADE;\nDROP VIEW org_ids CASCADE;";
    const dir = await project({ "migrations/0001_setup.sql": setup, "migrations/0002_drop.sql": change });
    const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
    const planned = await buildPlan({ migrations, pending: null, searchPath: ["public"] });
    expect(planned.findings).toEqual([]);
    const drop = planned.migrations[1];
    // members' own policy goes with members: not listed apart.
    expect(drop?.cascades).toEqual([
      { kind: "policy", name: "public.orgs.orgs_member" },
      { kind: "trigger", name: "public.users.users_touch" },
      { kind: "view", name: "public.org_count" },
    ]);
    const exclusive = (drop?.locks ?? []).filter((lock) => lock.mode === AX).map((lock) => lock.relation);
    const expected = ["public.members", "public.org_count", "public.org_ids", "public.orgs", "public.users"];
    expect([...exclusive].sort()).toEqual(expected);

    await db.current.exec(setup);
    const whileHeld = async () => {
      const [left] = await db.current.query<{ policies: number; triggers: number }>(
        `SELECT (SELECT count(*)::int FROM pg_policy) AS policies,
                (SELECT count(*)::int FROM pg_trigger WHERE NOT tgisinternal) AS triggers`,
      );
      expect(left).toEqual({ policies: 0, triggers: 0 });
    };
    expect(await exclusivelyLocked(change, ["public"], whileHeld)).toEqual(expected);
  });
});

/**
 * The tables, views and materialized views of `schemas` that `change` locks ACCESS EXCLUSIVE,
 * sorted; `change` runs in a transaction, then `whileHeld`, then a rollback. Dropped relations
 * vanish from pg_class inside the dropping transaction: their oids are read first.
 */
async function exclusivelyLocked(change: string, schemas: string[], whileHeld?: () => Promise<void>): Promise<string[]> {
  const relations = await db.current.query<{ oid: number; name: string }>(
    `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'v', 'm')`,
    [schemas],
  );
  await db.current.exec(`BEGIN; ${change}`);
  try {
    const held = await db.current.query<{ oid: number }>(
      "SELECT DISTINCT relation::int AS oid FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'AccessExclusiveLock' AND relation IS NOT NULL",
    );
    await whileHeld?.();
    const heldOids = new Set(held.map((row) => row.oid));
    return relations
      .filter((relation) => heldOids.has(relation.oid))
      .map((relation) => relation.name)
      .sort();
  } finally {
    await db.current.exec("ROLLBACK");
  }
}
