import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { type BuildPlanInput, buildPlan } from "./build-plan.js";

const project = useTempProjects();

async function planOf(
  files: Record<string, string>,
  options: Pick<BuildPlanInput, "singleTransaction" | "external" | "preludes" | "targetObjects"> = {},
) {
  const dir = await project(files);
  const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
  return buildPlan({ migrations, pending: null, searchPath: ["public"], ...options });
}

describe("plan findings", () => {
  it("ordering-violation: a reference to a table a later migration creates", async () => {
    const plan = await planOf({
      "migrations/0001_orders.sql":
        "-- orders\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint REFERENCES customers (id)\n);\n",
      "migrations/0002_customers.sql": "CREATE TABLE customers (id bigint PRIMARY KEY);\n",
    });
    expect(plan.findings).toEqual([
      {
        kind: "ordering-violation",
        severity: "error",
        file: "migrations/0001_orders.sql",
        line: 2,
        column: 1,
        version: "0001",
        message: "table public.customers is used here but created later, by migration 0002",
      },
    ]);
    expect(plan.migrations[0]?.requires).toEqual(["0002"]);
  });

  it("unknown-reference: a view over a table dropped by an earlier migration", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "CREATE TABLE legacy (id int);\n",
      "migrations/0002_b.sql": "DROP TABLE legacy;\n",
      "migrations/0003_c.sql": "SELECT 1;\n\n  CREATE VIEW v AS SELECT id FROM legacy;\n",
    });
    expect(plan.findings).toMatchObject([
      {
        kind: "unknown-reference",
        file: "migrations/0003_c.sql",
        line: 3,
        column: 3,
        message: expect.stringContaining("table public.legacy"),
      },
    ]);
  });

  it("unknown-reference is silenced by project.external and IF EXISTS", async () => {
    const files = {
      "migrations/0001_a.sql": "CREATE TABLE profiles (user_id uuid REFERENCES auth.users (id));\nDROP TABLE IF EXISTS nothing_here;\n",
    };
    expect((await planOf(files)).findings.map((finding) => finding.message)).toEqual([expect.stringContaining("table auth.users")]);
    expect((await planOf(files, { external: ["auth.users"] })).findings).toEqual([]);
  });

  it("dependency-cycle: declared requirements that loop", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "-- drydock:requires 0002\nSELECT 1;\n",
      "migrations/0002_b.sql": "-- drydock:requires 0001\nSELECT 1;\n",
    });
    expect(plan.findings).toMatchObject([
      {
        kind: "dependency-cycle",
        severity: "error",
        file: "migrations/0001_a.sql",
        line: 1,
        message: expect.stringContaining("0001 → 0002 → 0001"),
      },
    ]);
  });

  it("duplicate-object: two migrations create the same table, unless IF NOT EXISTS", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "CREATE TABLE users (id int);\n",
      "migrations/0002_b.sql": "CREATE TABLE IF NOT EXISTS users (id int);\n\nCREATE TABLE users (id int);\n",
    });
    expect(plan.findings).toEqual([
      expect.objectContaining({
        kind: "duplicate-object",
        file: "migrations/0002_b.sql",
        line: 3,
        column: 1,
        message: "table public.users already exists: created by migration 0001 (migrations/0001_a.sql:1)",
      }),
    ]);
  });

  it("duplicate-object is not reported for a column dropped and re-added in one ALTER TABLE", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "CREATE TABLE t (kind text);\n",
      "migrations/0002_b.sql": "ALTER TABLE t DROP COLUMN kind, ADD COLUMN kind integer;\n",
    });
    expect(plan.findings).toEqual([]);
  });

  it("concurrent-in-transaction: CREATE INDEX CONCURRENTLY in a file that opens BEGIN, or with transaction = all", async () => {
    const files = {
      "migrations/0001_a.sql": "CREATE TABLE t (v int);\n",
      "migrations/0002_b.sql": "BEGIN;\nCREATE INDEX CONCURRENTLY t_v ON t (v);\nCOMMIT;\n",
    };
    expect((await planOf(files)).findings).toMatchObject([
      { kind: "concurrent-in-transaction", file: "migrations/0002_b.sql", message: expect.stringContaining("BEGIN") },
    ]);
    const single = await planOf(
      { "migrations/0001_a.sql": "CREATE TABLE t (v int);\n", "migrations/0002_b.sql": "CREATE INDEX CONCURRENTLY t_v ON t (v);\n" },
      { singleTransaction: true },
    );
    expect(single.findings).toMatchObject([
      { kind: "concurrent-in-transaction", file: "migrations/0002_b.sql", message: expect.stringContaining('transaction = "all"') },
    ]);
  });
});

describe("concurrent-in-transaction is about the file's own open block", () => {
  it("accepts CONCURRENTLY after the block's COMMIT, where it runs on its own", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "CREATE TABLE t (v int);\n",
      "migrations/0002_b.sql": "BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY t_v ON t (v);\n",
    });
    expect(plan.findings).toEqual([]);
  });

  it("points at the refused statement inside the block", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "CREATE TABLE t (v int);\n",
      "migrations/0002_b.sql": "BEGIN;\nSELECT 1;\n  CREATE INDEX CONCURRENTLY t_v ON t (v);\nCOMMIT;\n",
    });
    expect(plan.findings).toMatchObject([
      { kind: "concurrent-in-transaction", line: 3, column: 3, message: expect.stringContaining("BEGIN at line 1") },
    ]);
  });
});

describe("plan contents", () => {
  it("lists inventory, references, requires, predicted locks, reversibility and groups", async () => {
    const plan = await planOf({
      "migrations/0001_orgs.sql": "CREATE TABLE orgs (id bigint PRIMARY KEY);\n",
      "migrations/0002_tags.sql": "CREATE TABLE tags (id bigint PRIMARY KEY);\n",
      "migrations/0003_projects.sql":
        "-- migrate:up\nCREATE TABLE projects (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES orgs (id));\nCREATE INDEX projects_org ON projects (org_id);\nCREATE FUNCTION project_count(org bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM projects WHERE org_id = org $$;\n-- migrate:down\nDROP TABLE projects;\n",
    });
    const projects = plan.migrations[2];
    expect(projects).toMatchObject({
      version: "0003",
      statements: 3,
      inventory: { table: 1, column: 2, constraint: 2, index: 2, function: 1 },
      references: [{ kind: "table", name: "public.orgs" }],
      requires: ["0001"],
      reversible: true,
      transaction: { mode: "transaction" },
    });
    expect(projects?.locks).toEqual(
      expect.arrayContaining([
        { relation: "public.orgs", mode: "ShareRowExclusiveLock" },
        { relation: "public.projects", mode: "ShareLock" },
      ]),
    );
    expect(plan.groups).toEqual([["0001", "0002"], ["0003"]]);
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("resolves unqualified names through search_path and knows extension functions", async () => {
    const dir = await project({
      "migrations/0001_a.sql":
        "CREATE SCHEMA app;\nCREATE EXTENSION pgcrypto WITH SCHEMA app;\nCREATE TABLE app.keys (hash text DEFAULT crypt('x', gen_salt('bf')));\n",
      "migrations/0002_b.sql": "INSERT INTO keys DEFAULT VALUES;\n",
    });
    const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
    const plan = await buildPlan({ migrations, pending: null, searchPath: ["app", "public"] });
    expect(plan.findings).toEqual([]);
    expect(plan.migrations[1]?.references).toEqual([{ kind: "table", name: "app.keys" }]);
  });

  it("lists as taken along only what a drop does not name: a function dropped without its arguments is named", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql":
        "CREATE FUNCTION f(a integer) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nCREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n",
      "migrations/0002_b.sql": "DROP FUNCTION f;\nDROP FUNCTION g();\n",
    });
    expect(plan.migrations[1]?.drops.map((dropped) => dropped.name)).toEqual(["public.f", "public.g()"]);
    expect(plan.migrations[1]?.cascades).toBeUndefined();
  });

  it("keeps a temporary table out of what a migration creates and locks, and out of the next migration", async () => {
    const plan = await planOf({
      "migrations/0001_a.sql": "CREATE TABLE rules (id int PRIMARY KEY, grp int);\n",
      "migrations/0002_b.sql": `CREATE TEMP TABLE grp_map ON COMMIT DROP AS SELECT id, id AS grp FROM rules;
        CREATE UNIQUE INDEX ON grp_map (id);
        UPDATE rules r SET grp = g.grp FROM grp_map g WHERE g.id = r.id;
        CREATE TEMPORARY TABLE scratch (n int);
        INSERT INTO scratch SELECT 1;
        DROP TABLE grp_map;\n`,
      "migrations/0003_c.sql": "INSERT INTO scratch SELECT 2;\n",
    });
    const [, backfill, after] = plan.migrations;
    expect(backfill?.creates).toEqual([]);
    expect(backfill?.drops).toEqual([]);
    expect(backfill?.inventory).toEqual({});
    expect(backfill?.locks).toEqual([{ relation: "public.rules", mode: "RowExclusiveLock" }]);
    // Temporary tables end with their session: the next migration cannot count on one.
    expect(plan.findings.map((finding) => [finding.version, finding.kind, finding.message])).toEqual([
      ["0003", "unknown-reference", expect.stringContaining("table public.scratch")],
    ]);
    expect(after?.references).toEqual([]);
  });
});

describe("roles in the dependency graph", () => {
  const createsRole = { "migrations/0001_role.sql": "CREATE ROLE app_r NOLOGIN;\n", "migrations/0002_t.sql": "CREATE TABLE t (id int);\n" };

  it.each([
    ["a policy's TO", "CREATE POLICY p ON t TO app_r USING (true);"],
    ["a GRANT on a table", "GRANT SELECT ON t TO app_r;"],
    ["a REVOKE on a schema", "REVOKE USAGE ON SCHEMA public FROM app_r;"],
    ["OWNER TO", "ALTER TABLE t OWNER TO app_r;"],
    ["ALTER DEFAULT PRIVILEGES … TO", "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_r;"],
    ["ALTER DEFAULT PRIVILEGES FOR ROLE", "ALTER DEFAULT PRIVILEGES FOR ROLE app_r GRANT SELECT ON TABLES TO PUBLIC;"],
    ["GRANT of the role", "GRANT app_r TO CURRENT_USER;"],
    ["GRANT to the role", "CREATE ROLE other; GRANT other TO app_r;"],
    ["SET ROLE", "SET ROLE app_r;"],
    ["ALTER ROLE", "ALTER ROLE app_r SET statement_timeout = '5s';"],
    ["DROP ROLE", "DROP ROLE app_r;"],
    ["CREATE SCHEMA … AUTHORIZATION", "CREATE SCHEMA app_r AUTHORIZATION app_r;"],
  ])("a migration that names a role created earlier requires its creator: %s", async (_, sql) => {
    const plan = await planOf({ ...createsRole, "migrations/0003_use.sql": `${sql}\n` });
    expect(plan.findings).toEqual([]);
    expect(plan.migrations[2]?.requires).toContain("0001");
    expect(plan.migrations[2]?.references).toContainEqual({ kind: "role", name: "app_r" });
  });

  it("follows a role's rename", async () => {
    const plan = await planOf({
      ...createsRole,
      "migrations/0003_rename.sql": "ALTER ROLE app_r RENAME TO app_reader;\n",
      "migrations/0004_grant.sql": "GRANT SELECT ON t TO app_reader;\n",
    });
    expect(plan.findings).toEqual([]);
    expect(plan.migrations[3]?.requires).toEqual(["0002", "0001"]);
  });

  it("examples/saas: the policies of 0009 need the role 0008 creates, so 0009 comes after it", async () => {
    const dir = fileURLToPath(new URL("../../examples/saas", import.meta.url));
    const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: `${dir}/migrations` });
    const plan = await buildPlan({ migrations, pending: null, searchPath: ["public"] });
    expect(plan.findings).toEqual([]);
    const rls = plan.migrations.find((migration) => migration.version === "0009");
    expect(rls?.requires).toContain("0008");
    expect(rls?.references).toContainEqual({ kind: "role", name: "app_user" });
    const groupOf = (version: string) => plan.groups.findIndex((group) => group.includes(version));
    expect(groupOf("0009")).toBeGreaterThan(groupOf("0008"));
  });

  it("a role no migration creates is no finding: roles are the cluster's, made by the platform or ops", async () => {
    const plan = await planOf({
      "migrations/0001_t.sql": "CREATE TABLE t (id int);\n",
      "migrations/0002_use.sql":
        "GRANT SELECT ON t TO authenticated, anon;\nCREATE POLICY p ON t TO service_role USING (true);\nALTER TABLE t OWNER TO postgres;\n",
    });
    expect(plan.findings).toEqual([]);
    expect(plan.migrations[1]?.requires).toEqual(["0001"]);
    expect(plan.migrations[1]?.references).toEqual([{ kind: "table", name: "public.t" }]);
  });

  it("a role dropped by an earlier migration is no finding either: it may have been made again outside", async () => {
    const plan = await planOf({
      ...createsRole,
      "migrations/0003_drop.sql": "DROP ROLE app_r;\n",
      "migrations/0004_use.sql": "GRANT SELECT ON t TO app_r;\n",
    });
    expect(plan.findings).toEqual([]);
  });

  it("ordering-violation: a role used before the migration that creates it", async () => {
    const plan = await planOf({
      "migrations/0001_t.sql": "CREATE TABLE t (id int);\n\nGRANT SELECT ON t TO app_r;\n",
      "migrations/0002_role.sql": "CREATE ROLE app_r;\n",
    });
    expect(plan.findings).toEqual([
      {
        kind: "ordering-violation",
        severity: "error",
        file: "migrations/0001_t.sql",
        line: 3,
        column: 1,
        version: "0001",
        message: "role app_r is used here but created later, by migration 0002",
      },
    ]);
    expect(plan.migrations[0]?.requires).toEqual(["0002"]);
  });

  it("no ordering-violation for DROP ROLE IF EXISTS before the role is created", async () => {
    const plan = await planOf({
      "migrations/0001_clean.sql": "DROP ROLE IF EXISTS app_r;\n",
      "migrations/0002_role.sql": "CREATE ROLE app_r;\n",
    });
    expect(plan.findings).toEqual([]);
  });

  it("a role the prelude creates or the target holds is there before any migration", async () => {
    const files = {
      "migrations/0001_t.sql": "CREATE TABLE t (id int);\nGRANT SELECT ON t TO app_r;\n",
      "migrations/0002_role.sql": "DO $$ BEGIN CREATE ROLE app_r; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n",
    };
    expect((await planOf(files)).findings).toMatchObject([{ kind: "ordering-violation", version: "0001" }]);
    const withPrelude = await planOf(files, { preludes: [{ file: "prelude.sql", sql: "CREATE ROLE app_r;" }] });
    expect(withPrelude.findings).toEqual([]);
    expect(withPrelude.migrations[0]?.requires).toEqual([]);
    expect(withPrelude.migrations[0]?.references).toContainEqual({ kind: "role", name: "app_r" });
    const withTarget = await planOf(files, { targetObjects: [{ kind: "role", name: "app_r" }] });
    expect(withTarget.findings).toEqual([]);
    expect(withTarget.migrations[0]?.requires).toEqual([]);
  });
});
