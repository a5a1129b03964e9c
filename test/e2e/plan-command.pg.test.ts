import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { createTarget, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();
const files = {
  "migrations/0001_orgs.sql": "CREATE TABLE orgs (id bigint PRIMARY KEY);\n",
  "migrations/0002_projects.sql":
    "CREATE TABLE projects (id bigint PRIMARY KEY, org_id bigint REFERENCES orgs (id));\nCREATE INDEX projects_org ON projects (org_id);\n",
  "migrations/0003_tags.sql": "CREATE TABLE tags (id bigint PRIMARY KEY);\n",
};

describe("drydock plan", () => {
  it("prints a readable text plan, JSON of SPEC §4, Mermaid and DOT", async () => {
    const dir = await project(files);
    const text = await runDrydock(["plan", "--dir", dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("0002 projects  (migrations/0002_projects.sql, 2 statements: create_table, create_index)");
    expect(text.stdout).toContain("creates   1 table, 2 columns, 2 constraints, 2 indexes");
    expect(text.stdout).toContain("locks     public.orgs ShareRowExclusiveLock, public.projects ShareLock");
    expect(text.stdout).toContain("1. 0001, 0003");

    const json = JSON.parse((await runDrydock(["plan", "--dir", dir, "--format", "json"])).stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["hash", "migrations", "findings", "groups"]));
    expect(json.migrations[1]).toMatchObject({
      version: "0002",
      name: "projects",
      file: "migrations/0002_projects.sql",
      statements: 2,
      statement_kinds: { create_table: 1, create_index: 1 },
      requires: ["0001"],
      reversible: false,
    });
    expect(json.migrations[1].locks).toContainEqual({ relation: "public.projects", mode: "ShareLock" });

    expect((await runDrydock(["plan", "--dir", dir, "--format", "mermaid"])).stdout).toContain("m_0001 --> m_0002");
    expect((await runDrydock(["plan", "--dir", dir, "--format", "dot"])).stdout).toContain("m_0001 -> m_0002;");
  });

  it("keeps its cache in .drydock/cache, and --no-cache neither reads nor writes it", async () => {
    const dir = await project(files);
    const uncached = await runDrydock(["plan", "--dir", dir, "--format", "json", "--no-cache"]);
    expect(uncached.code).toBe(0);
    expect(existsSync(join(dir, ".drydock", "cache"))).toBe(false);
    const cached = await runDrydock(["plan", "--dir", dir, "--format", "json"]);
    expect(existsSync(join(dir, ".drydock", "cache"))).toBe(true);
    expect(JSON.parse(cached.stdout)).toEqual(JSON.parse(uncached.stdout));
    expect((await runDrydock(["plan", "--dir", dir, "--format", "json"])).stdout).toBe(cached.stdout);
  });

  it("exits 1 on an error finding and 2 on a dependency cycle or a syntax error", async () => {
    const broken = await project({ "migrations/0001_a.sql": "CREATE VIEW v AS SELECT * FROM missing_table;\n" });
    const findings = await runDrydock(["plan", "--dir", broken]);
    expect(findings.code).toBe(1);
    expect(findings.stdout).toContain("error unknown-reference  migrations/0001_a.sql:1:1");
    const cycle = await project({
      "migrations/0001_a.sql": "-- drydock:requires 0002\nSELECT 1;\n",
      "migrations/0002_b.sql": "-- drydock:requires 0001\nSELECT 1;\n",
    });
    expect((await runDrydock(["plan", "--dir", cycle])).code).toBe(2);
    const syntax = await project({ "migrations/0001_a.sql": "CREATE TABLE t (id int);\nSELEC 1;\n" });
    const error = await runDrydock(["plan", "--dir", syntax]);
    expect(error.code).toBe(2);
    expect(error.stderr).toContain("migrations/0001_a.sql:2:1");
  });

  describe("against a target", () => {
    let target: TestTarget;
    afterEach(async () => target?.dispose());

    it("plans only what the target's history lacks, over the objects it holds; --all plans everything", async () => {
      target = await createTarget("postgres");
      const dir = await project({ "migrations/0001_orgs.sql": files["migrations/0001_orgs.sql"] });
      expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
      const full = await project(files);
      const json = JSON.parse((await runDrydock(["plan", "--dir", full, "--url", target.url, "--format", "json"])).stdout);
      expect(json.migrations.map((migration: { version: string }) => migration.version)).toEqual(["0002", "0003"]);
      expect(json.findings).toEqual([]);
      expect(json.migrations[0].references).toContainEqual({ kind: "table", name: "public.orgs" });
      expect(json.target).toMatchObject({ engine: "postgres" });
      const all = JSON.parse((await runDrydock(["plan", "--dir", full, "--url", target.url, "--format", "json", "--all"])).stdout);
      expect(all.migrations).toHaveLength(3);
      const fromEmpty = JSON.parse((await runDrydock(["plan", "--dir", full, "--format", "json"])).stdout);
      expect(json.hash).not.toBe(fromEmpty.hash);
    });

    it("knows the roles the server holds, without letting them into the plan hash", async () => {
      target = await createTarget("postgres");
      const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
      const dir = await project({
        "migrations/0001_t.sql": `CREATE TABLE t (id int);\nGRANT SELECT ON t TO ${role};\n`,
        "migrations/0002_role.sql": `DO $$ BEGIN CREATE ROLE ${role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n`,
      });
      const planOf = async () => JSON.parse((await runDrydock(["plan", "--dir", dir, "--url", target.url, "--format", "json"])).stdout);
      const before = await planOf();
      expect(before.findings).toEqual([expect.objectContaining({ kind: "ordering-violation", version: "0001" })]);
      await target.query(`CREATE ROLE ${role}`);
      try {
        const after = await planOf();
        expect(after.findings).toEqual([]);
        expect(after.hash).toBe(before.hash);
      } finally {
        await target.query(`DROP ROLE ${role}`);
      }
    });

    it("lints the pending migrations knowing what the applied ones did, as a plan from empty does", async () => {
      target = await createTarget("postgres");
      const applied = {
        "migrations/0001_users.sql":
          "CREATE TABLE users (id int, email text);\nCREATE FUNCTION tenant() RETURNS int LANGUAGE sql STABLE AS 'select 1';\nALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\n",
      };
      const dir = await project(applied);
      expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
      const full = await project({
        ...applied,
        "migrations/0002_columns.sql":
          "ALTER TABLE users ADD COLUMN t int DEFAULT tenant();\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
      });
      const lintOf = async (args: string[]) =>
        JSON.parse((await runDrydock(["plan", "--dir", full, "--format", "json", ...args])).stdout).lint;
      const againstTarget = await lintOf(["--url", target.url]);
      // No false error for a default calling a STABLE function, no scan warning for a proven column.
      expect(againstTarget.rules).not.toHaveProperty("add-column-volatile-default");
      expect(againstTarget.rules).not.toHaveProperty("set-not-null");
      expect(againstTarget.error).toBe(0);
      const fromEmpty = await lintOf([]);
      expect(fromEmpty.rules).not.toHaveProperty("add-column-volatile-default");
      expect(fromEmpty.rules).not.toHaveProperty("set-not-null");
    });
  });
});
