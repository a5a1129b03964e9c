import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase("drydock_adopt_cli");
const makeProject = useTempProjects();

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const golangFiles = {
  "migrations/000001_users.up.sql": "CREATE TABLE users (id bigserial PRIMARY KEY);\n",
  "migrations/000001_users.down.sql": "DROP TABLE users;\n",
  "migrations/000002_teams.up.sql": "CREATE TABLE teams (id bigserial PRIMARY KEY);\n",
  "migrations/000002_teams.down.sql": "DROP TABLE teams;\n",
  "migrations/000003_members.up.sql": "CREATE TABLE members (user_id bigint REFERENCES users, team_id bigint REFERENCES teams);\n",
  "migrations/000003_members.down.sql": "DROP TABLE members;\n",
};
const golangTable = "CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null);";

const prismaInit = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n';
const prismaFiles = {
  "prisma/migrations/20240105103000_init/migration.sql": prismaInit,
  "prisma/migrations/20240220154512_add_post/migration.sql": 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY);\n',
  "drydock.toml": '[project]\nmigrations = "prisma/migrations"\n',
};
const prismaTable = `CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);`;

const flywayTable = `CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
  "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
  "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL,
  CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank"));`;

async function adoptCli(dir: string, ...args: string[]) {
  return runDrydock(["adopt", "--dir", dir, "--url", db.current.url, ...args]);
}

/** Nothing at all written: not even drydock's schema. */
async function expectNothingWritten(): Promise<void> {
  expect(await db.current.query("SELECT 1 FROM pg_namespace WHERE nspname = 'drydock'")).toEqual([]);
}

describe("drydock adopt", () => {
  it("adopts, records the run, prints JSON, and is a no-op the second time", async () => {
    const dir = await makeProject(golangFiles);
    await db.current.exec(`${golangFiles["migrations/000001_users.up.sql"]} ${golangFiles["migrations/000002_teams.up.sql"]}
      ${golangTable} INSERT INTO schema_migrations VALUES (2, false);`);

    const first = await adoptCli(dir, "--from", "golang-migrate", "--by", "alice", "--json");
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({
      from: "golang-migrate",
      table: "public.schema_migrations",
      dry_run: false,
      adopted: [
        { version: "000001", name: "users", file: "migrations/000001_users.up.sql", applied_by: "adopt:golang-migrate" },
        { version: "000002", name: "teams", file: "migrations/000002_teams.up.sql" },
      ],
      already_recorded: [],
      pending: [{ version: "000003", name: "members" }],
    });
    expect(result.target.url_redacted).toBeTypeOf("string");
    expect(first.stderr).toContain("adopted 2 migrations from golang-migrate (public.schema_migrations)");
    expect(first.stderr).toContain("next: drydock status, then drydock apply");

    const [run] = await db.current.query<{ id: string; command: string; outcome: string; actor: string; report: Record<string, unknown> }>(
      "SELECT id::text AS id, command, outcome, actor, report FROM drydock.runs",
    );
    expect(run).toMatchObject({ id: String(result.run_id), command: "adopt", outcome: "adopted", actor: "alice" });
    expect(run?.report).toMatchObject({
      from: "golang-migrate",
      adopted: [{ version: "000001" }, { version: "000002" }],
      pending: [{ version: "000003" }],
    });

    const status = await runDrydock(["status", "--dir", dir, "--url", db.current.url, "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).migrations.map((entry: { state: string }) => entry.state)).toEqual(["applied", "applied", "pending"]);

    const again = await adoptCli(dir, "--from", "golang-migrate");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      "nothing to adopt: the 2 migrations golang-migrate (public.schema_migrations) applied are already in drydock's history",
    );
    expect(await db.current.query("SELECT id FROM drydock.runs")).toHaveLength(1);

    const applied = await runDrydock(["apply", "--dir", dir, "--url", db.current.url, "--json"]);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).applied.map((step: { version: string }) => step.version)).toEqual(["000003"]);
  });

  it("--dry-run shows what it would adopt and writes nothing", async () => {
    const dir = await makeProject(golangFiles);
    await db.current.exec(
      `${golangFiles["migrations/000001_users.up.sql"]} ${golangTable} INSERT INTO schema_migrations VALUES (1, false);`,
    );
    const result = await adoptCli(dir, "--from", "golang-migrate", "--dry-run");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: would adopt 1 migration from golang-migrate");
    expect(result.stdout).toContain("nothing written");
    const json = JSON.parse((await adoptCli(dir, "--from", "golang-migrate", "--dry-run", "--json")).stdout);
    expect(json).toMatchObject({ dry_run: true, run_id: null, adopted: [{ version: "000001" }] });
    await expectNothingWritten();
  });

  it("--table reads a history table kept under another name", async () => {
    const dir = await makeProject({
      "sql/V1__accounts.sql": "CREATE TABLE accounts (id int);\n",
      "drydock.toml": '[project]\nmigrations = "sql"\n',
    });
    await db.current.exec(`CREATE TABLE accounts (id int); CREATE SCHEMA ops;
      ${flywayTable.replace('"flyway_schema_history"', "ops.migration_log")}
      INSERT INTO ops.migration_log VALUES (1, '1', 'accounts', 'SQL', 'V1__accounts.sql', NULL, 'ops', now(), 3, true);`);
    const missing = await adoptCli(dir, "--from", "flyway");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no flyway history table");
    expect(missing.stderr).toContain("looked for flyway_schema_history, schema_version (Flyway 3 and 4) in any schema");
    expect(missing.stderr).toContain("--table <schema.table>");

    const found = await adoptCli(dir, "--from", "flyway", "--table", "ops.migration_log", "--json");
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ table: "ops.migration_log", adopted: [{ version: "1", applied_by: "ops" }] });
  });
});

describe("drydock adopt refuses, writing nothing", () => {
  it("an unknown tool, listing the six (exit 2, before connecting)", async () => {
    const dir = await makeProject(golangFiles);
    const result = await runDrydock(["adopt", "--dir", dir, "--url", "postgres://nobody@127.0.0.1:1/none", "--from", "liquibase"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--from liquibase");
    expect(result.stderr).toContain(
      "hint: drydock reads the history tables of supabase, flyway, dbmate, golang-migrate, prisma, node-pg-migrate",
    );
    const none = await runDrydock(["adopt", "--dir", dir, "--url", "postgres://nobody@127.0.0.1:1/none"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("needs --from <tool>");
  });

  it("a missing table, naming the tables looked for and the tool whose table is there", async () => {
    const dir = await makeProject(golangFiles);
    await db.current.exec(`${golangTable} INSERT INTO schema_migrations VALUES (1, false);`);
    const result = await adoptCli(dir, "--from", "dbmate");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("public.schema_migrations is not dbmate's history table: it has dirty");
    expect(result.stderr).toContain("did you mean --from golang-migrate?");

    const prisma = await adoptCli(dir, "--from", "prisma");
    expect(prisma.code).toBe(2);
    expect(prisma.stderr).toContain("no prisma history table in");
    expect(prisma.stderr).toContain("looked for _prisma_migrations in any schema");
    expect(prisma.stderr).toContain("This database has golang-migrate's public.schema_migrations");
    await expectNothingWritten();
  });

  it.each([
    [
      "a dirty golang-migrate version",
      golangFiles,
      `${golangTable} INSERT INTO schema_migrations VALUES (2, true);`,
      "golang-migrate",
      /has 1 migration that did not finish cleanly \(dirty\): version 2 is dirty/,
      "migrate force 2",
    ],
    [
      "a failed Flyway migration",
      { "sql/V1__a.sql": "SELECT 1;\n", "sql/V2__b.sql": "SELECT 2;\n", "drydock.toml": '[project]\nmigrations = "sql"\n' },
      `${flywayTable} INSERT INTO flyway_schema_history VALUES
         (1, '1', 'a', 'SQL', 'V1__a.sql', NULL, 'ci', now(), 3, true),
         (2, '2', 'b', 'SQL', 'V2__b.sql', NULL, 'ci', now(), 3, false);`,
      "flyway",
      /\(failed\): V2__b\.sql failed/,
      "flyway repair",
    ],
    [
      "a failed Prisma migration",
      prismaFiles,
      `${prismaTable} INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, started_at) VALUES
         ('a', '${sha256(prismaInit)}', now(), '20240105103000_init', NULL, now()),
         ('b', 'x', NULL, '20240220154512_add_post', 'Database error: relation "Post" already exists', now());`,
      "prisma",
      /\(failed\): 20240220154512_add_post started .* and never finished: Database error/,
      "prisma migrate resolve --rolled-back 20240220154512_add_post",
    ],
    [
      "a rolled-back Prisma migration",
      prismaFiles,
      `${prismaTable} INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at, started_at) VALUES
         ('b', 'x', NULL, '20240220154512_add_post', now(), now());`,
      "prisma",
      /\(rolled-back\): 20240220154512_add_post was marked rolled back/,
      "prisma migrate deploy",
    ],
  ])("%s", async (_, files, sql, tool, message, hint) => {
    const dir = await makeProject(files);
    await db.current.exec(sql);
    const result = await adoptCli(dir, "--from", tool);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(hint);
    await expectNothingWritten();
  });

  it("applied migrations without a file, listing them", async () => {
    const dir = await makeProject({
      "db/migrations/20230912101500_create_users.sql": "-- migrate:up\nCREATE TABLE users (id int);\n-- migrate:down\nDROP TABLE users;\n",
      "drydock.toml": '[project]\nmigrations = "db/migrations"\n',
    });
    await db.current.exec(`CREATE TABLE users (id int);
      create table if not exists "public".schema_migrations (version varchar(255) primary key);
      insert into "public".schema_migrations (version) values ('20230912101500'), ('20231101120000'), ('20231102120000');`);
    const result = await adoptCli(dir, "--from", "dbmate");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "2 migrations that dbmate applied (public.schema_migrations) have no file in db/migrations: 20231101120000, 20231102120000",
    );
    expect(result.stderr).toContain("--dir <project root>");
    await expectNothingWritten();
  });

  it("a Prisma migration edited since Prisma applied it", async () => {
    const dir = await makeProject(prismaFiles);
    await db.current.exec(`${prismaInit} ${prismaTable} INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES
      ('a', '${sha256('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY);\n')}', now(), '20240105103000_init', now(), 1);`);
    const result = await adoptCli(dir, "--from", "prisma");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "migration 20240105103000_init (prisma/migrations/20240105103000_init/migration.sql) changed since prisma applied it",
    );
    expect(result.stderr).toContain("Restore the files as applied");
    await expectNothingWritten();
  });

  it("a drydock history row with another checksum, while agreeing rows are fine", async () => {
    const dir = await makeProject(golangFiles);
    await db.current.exec(`${golangFiles["migrations/000001_users.up.sql"]} ${golangFiles["migrations/000002_teams.up.sql"]}
      ${golangTable} INSERT INTO schema_migrations VALUES (2, false);`);
    expect((await adoptCli(dir, "--from", "golang-migrate")).code).toBe(0);
    await db.current.exec("UPDATE drydock.migrations SET checksum = 'feedface' WHERE version = '000002'");
    const before = await db.current.query("SELECT * FROM drydock.migrations ORDER BY version");

    const result = await adoptCli(dir, "--from", "golang-migrate");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("drydock.migrations already records 000002 with another checksum than the file");
    expect(result.stderr).toContain("drydock repair --accept-checksum 000002");
    expect(await db.current.query("SELECT * FROM drydock.migrations ORDER BY version")).toEqual(before);
    expect(await db.current.query("SELECT id FROM drydock.runs")).toHaveLength(1);
  });
});
