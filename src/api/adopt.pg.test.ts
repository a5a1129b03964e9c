import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type FileTree, useTempProjects } from "../../test/support/temp-project.js";
import { useTestDatabase } from "../../test/support/test-database.js";
import type { Project } from "../model/project.js";
import { checksumOf } from "../util/hash.js";
import { adopt } from "./adopt.js";
import { apply } from "./apply.js";
import { loadProject } from "./load-project.js";
import { status } from "./status.js";

const db = useTestDatabase("drydock_adopt");
const makeProject = useTempProjects();

async function projectOf(files: FileTree): Promise<Project> {
  return loadProject({ dir: await makeProject(files), environment: {} });
}

/** Runs the SQL the tool ran, as the tool ran it, before it wrote its history row. */
async function runByHand(...scripts: string[]): Promise<void> {
  for (const sql of scripts) await db.current.exec(sql);
}

/** The states and checksums `drydock status` reports, by version. */
async function statesOf(project: Project): Promise<Record<string, { state: string; checksum: string; applied_at: string | null }>> {
  const { migrations } = await status(project, { url: db.current.url });
  return Object.fromEntries(
    migrations.map((entry) => [entry.version, { state: entry.state, checksum: entry.checksum, applied_at: entry.applied_at }]),
  );
}

/** Applies the rest with drydock and returns the versions it ran. */
async function applyRest(project: Project): Promise<string[]> {
  const result = await apply(project, { url: db.current.url, verify: false, noEvidence: true });
  expect(result.failed).toBeNull();
  return result.applied.map((step) => step.version);
}

async function historyRows(): Promise<{ version: string; applied_by: string; duration_ms: number; run_id: string; applied_at: Date }[]> {
  return db.current.query(
    "SELECT version, applied_by, duration_ms, run_id::text AS run_id, applied_at FROM drydock.migrations ORDER BY applied_at, version",
  );
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("adopt takes over each tool's history without running anything", () => {
  it("supabase: supabase_migrations.schema_migrations", async () => {
    const files = {
      "supabase/migrations/20240101120000_create_profiles.sql": "CREATE TABLE public.profiles (id uuid PRIMARY KEY, username text);\n",
      "supabase/migrations/20240215093000_profiles_rls.sql": "ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;\n",
      "supabase/migrations/20240301080000_add_avatar.sql": "ALTER TABLE public.profiles ADD COLUMN avatar_url text;\n",
    };
    const project = await projectOf({ "drydock.toml": '[project]\nmigrations = "supabase/migrations"\n', ...files });
    await runByHand(
      files["supabase/migrations/20240101120000_create_profiles.sql"],
      files["supabase/migrations/20240215093000_profiles_rls.sql"],
      // The Supabase CLI's own DDL (pkg/migration/history.go).
      `CREATE SCHEMA IF NOT EXISTS supabase_migrations;
       CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
       ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
       ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
       INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES
         ('20240101120000', 'create_profiles', ARRAY['CREATE TABLE public.profiles (id uuid PRIMARY KEY, username text)']),
         ('20240215093000', 'profiles_rls', ARRAY['ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY']);`,
    );

    const result = await adopt(project, { url: db.current.url, from: "supabase", by: "alice" });
    expect(result).toMatchObject({ from: "supabase", table: "supabase_migrations.schema_migrations", dry_run: false });
    expect(result.adopted.map((entry) => [entry.version, entry.applied_by, entry.applied_at])).toEqual([
      ["20240101120000", "adopt:supabase", null],
      ["20240215093000", "adopt:supabase", null],
    ]);
    expect(result.pending.map((entry) => entry.version)).toEqual(["20240301080000"]);

    const states = await statesOf(project);
    expect(states["20240101120000"]).toMatchObject({
      state: "applied",
      checksum: checksumOf(files["supabase/migrations/20240101120000_create_profiles.sql"]),
    });
    expect(states["20240215093000"]).toMatchObject({
      state: "applied",
      checksum: checksumOf(files["supabase/migrations/20240215093000_profiles_rls.sql"]),
    });
    expect(states["20240301080000"]?.state).toBe("pending");
    const rows = await historyRows();
    expect(rows.map((row) => [row.version, row.duration_ms, row.run_id])).toEqual([
      ["20240101120000", 0, String(result.run_id)],
      ["20240215093000", 0, String(result.run_id)],
    ]);

    expect(await applyRest(project)).toEqual(["20240301080000"]);
    expect(Object.values(await statesOf(project)).map((entry) => entry.state)).toEqual(["applied", "applied", "applied"]);
  });

  it("flyway: flyway_schema_history, with its checksums, times, installers and a repeatable", async () => {
    const files = {
      "sql/V1__create_accounts.sql": "CREATE TABLE accounts (\r\n  id bigint PRIMARY KEY\r\n);\r\n",
      "sql/V1.1__add_email.sql": "ALTER TABLE accounts ADD COLUMN email text;\n",
      "sql/V2__orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts);\n",
      "sql/R__account_view.sql": "CREATE OR REPLACE VIEW account_emails AS SELECT id, email FROM accounts;\n",
      "sql/R__account_count.sql": "CREATE OR REPLACE VIEW account_count AS SELECT count(*) AS accounts FROM accounts;\n",
    };
    const project = await projectOf({ "drydock.toml": '[project]\nmigrations = "sql"\n', ...files });
    // Flyway's checksum: CRC32 of the script's lines without their line breaks, as a signed int.
    const flywayChecksum = (text: string) => crc32(text.replace(/[\r\n]/g, "")) | 0;
    await runByHand(
      files["sql/V1__create_accounts.sql"],
      files["sql/V1.1__add_email.sql"],
      files["sql/R__account_view.sql"],
      "CREATE OR REPLACE VIEW account_count AS SELECT 0::bigint AS accounts;",
      // Flyway's own DDL on PostgreSQL (createMetaDataTable.sql).
      `CREATE TABLE "public"."flyway_schema_history" (
          "installed_rank" INT NOT NULL,
          "version" VARCHAR(50),
          "description" VARCHAR(200) NOT NULL,
          "type" VARCHAR(20) NOT NULL,
          "script" VARCHAR(1000) NOT NULL,
          "checksum" INTEGER,
          "installed_by" VARCHAR(100) NOT NULL,
          "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
          "execution_time" INTEGER NOT NULL,
          "success" BOOLEAN NOT NULL
       );
       ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
       CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
       INSERT INTO flyway_schema_history VALUES
         (1, '1', 'create accounts', 'SQL', 'V1__create_accounts.sql', ${flywayChecksum(files["sql/V1__create_accounts.sql"])}, 'deploy_bot', '2023-06-01 09:00:00.123', 41, true),
         (2, '1.1', 'add email', 'SQL', 'V1.1__add_email.sql', ${flywayChecksum(files["sql/V1.1__add_email.sql"])}, 'deploy_bot', '2023-07-12 14:30:00', 12, true),
         (3, NULL, 'account view', 'SQL', 'R__account_view.sql', ${flywayChecksum(files["sql/R__account_view.sql"])}, 'ci', '2023-07-12 14:30:01', 5, true),
         (4, NULL, 'account count', 'SQL', 'R__account_count.sql', ${flywayChecksum("CREATE OR REPLACE VIEW account_count AS SELECT 0::bigint AS accounts;")}, 'ci', '2023-07-12 14:30:01', 5, true);`,
    );

    const result = await adopt(project, { url: db.current.url, from: "flyway" });
    expect(result.table).toBe("public.flyway_schema_history");
    expect(result.adopted.map((entry) => [entry.version, entry.applied_by, entry.applied_at, entry.tool_entry])).toEqual([
      ["1", "deploy_bot", "2023-06-01T09:00:00.123Z", "1"],
      ["1.1", "deploy_bot", "2023-07-12T14:30:00.000Z", "1.1"],
      ["R__account_view", "ci", "2023-07-12T14:30:01.000Z", "R__account_view"],
    ]);
    // The repeatable changed since Flyway last ran it: Flyway would run it again, and so will drydock.
    expect(result.pending.map((entry) => entry.version)).toEqual(["2", "R__account_count"]);
    expect(result.warnings).toEqual([
      expect.stringContaining("R__account_count (sql/R__account_count.sql) changed since flyway last applied it"),
    ]);

    const states = await statesOf(project);
    expect(states["1"]).toMatchObject({
      state: "applied",
      checksum: checksumOf(files["sql/V1__create_accounts.sql"]),
      applied_at: "2023-06-01T09:00:00.123Z",
    });
    expect(states["1.1"]).toMatchObject({ state: "applied", applied_at: "2023-07-12T14:30:00.000Z" });
    expect(states.R__account_view).toMatchObject({ state: "applied", checksum: checksumOf(files["sql/R__account_view.sql"]) });
    expect(states["2"]?.state).toBe("pending");
    expect((await historyRows()).map((row) => row.applied_by)).toEqual(["deploy_bot", "deploy_bot", "ci"]);

    expect(await applyRest(project)).toEqual(["2", "R__account_count"]);
  });

  it("flyway: a baseline row counts every version up to it as applied", async () => {
    const files = {
      "sql/V1__legacy_schema.sql": "CREATE TABLE legacy (id int);\n",
      "sql/V2__legacy_more.sql": "ALTER TABLE legacy ADD COLUMN note text;\n",
      "sql/V3__new_table.sql": "CREATE TABLE fresh (id int);\n",
    };
    const project = await projectOf({ "drydock.toml": '[project]\nmigrations = "sql"\n', ...files });
    await runByHand(
      files["sql/V1__legacy_schema.sql"],
      files["sql/V2__legacy_more.sql"],
      `CREATE TABLE "public"."flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
         "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
         "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
       INSERT INTO flyway_schema_history VALUES (1, '2', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'ops', '2024-01-01 00:00:00', 0, true);`,
    );
    const result = await adopt(project, { url: db.current.url, from: "flyway" });
    expect(result.adopted.map((entry) => [entry.version, entry.applied_by])).toEqual([
      ["1", "ops"],
      ["2", "ops"],
    ]);
    expect(await applyRest(project)).toEqual(["3"]);
  });

  it("dbmate: schema_migrations(version varchar)", async () => {
    const file = (up: string, down: string) => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;
    const files = {
      "db/migrations/20230912101500_create_users.sql": file(
        "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);",
        "DROP TABLE users;",
      ),
      "db/migrations/20231003083000_users_email_index.sql": file(
        "CREATE UNIQUE INDEX users_email ON users (email);",
        "DROP INDEX users_email;",
      ),
      "db/migrations/20240110170000_create_teams.sql": file("CREATE TABLE teams (id serial PRIMARY KEY);", "DROP TABLE teams;"),
    };
    const project = await projectOf({ "drydock.toml": '[project]\nmigrations = "db/migrations"\n', ...files });
    await runByHand(
      "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);",
      "CREATE UNIQUE INDEX users_email ON users (email);",
      // dbmate's own DDL (pkg/driver/postgres).
      `create table if not exists "public".schema_migrations (version varchar(255) primary key);
       insert into "public".schema_migrations (version) values ('20230912101500'), ('20231003083000');`,
    );
    const result = await adopt(project, { url: db.current.url, from: "dbmate" });
    expect(result.table).toBe("public.schema_migrations");
    expect(result.adopted.map((entry) => [entry.version, entry.applied_by])).toEqual([
      ["20230912101500", "adopt:dbmate"],
      ["20231003083000", "adopt:dbmate"],
    ]);
    const states = await statesOf(project);
    expect(states["20230912101500"]).toMatchObject({
      state: "applied",
      checksum: checksumOf(files["db/migrations/20230912101500_create_users.sql"]),
    });
    expect(states["20240110170000"]?.state).toBe("pending");
    expect(await applyRest(project)).toEqual(["20240110170000"]);
  });

  it("golang-migrate: one row, every migration up to its version applied, in order", async () => {
    const files = {
      "migrations/000001_create_users.up.sql": "CREATE TABLE users (id bigserial PRIMARY KEY);\n",
      "migrations/000001_create_users.down.sql": "DROP TABLE users;\n",
      "migrations/000002_add_name.up.sql": "ALTER TABLE users ADD COLUMN name text;\n",
      "migrations/000002_add_name.down.sql": "ALTER TABLE users DROP COLUMN name;\n",
      "migrations/000010_sessions.up.sql": "CREATE TABLE sessions (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);\n",
      "migrations/000010_sessions.down.sql": "DROP TABLE sessions;\n",
      "migrations/000011_tokens.up.sql": "CREATE TABLE tokens (id bigserial PRIMARY KEY);\n",
      "migrations/000011_tokens.down.sql": "DROP TABLE tokens;\n",
    };
    const project = await projectOf(files);
    await runByHand(
      files["migrations/000001_create_users.up.sql"],
      files["migrations/000002_add_name.up.sql"],
      files["migrations/000010_sessions.up.sql"],
      // golang-migrate's own DDL (database/postgres/postgres.go); SetVersion keeps one row.
      `CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null);
       INSERT INTO "public"."schema_migrations" (version, dirty) VALUES (10, false);`,
    );
    const result = await adopt(project, { url: db.current.url, from: "golang-migrate" });
    expect(result.adopted.map((entry) => [entry.version, entry.applied_at])).toEqual([
      ["000001", null],
      ["000002", null],
      ["000010", null],
    ]);
    // No times are known: the history still lists them in apply order, which rollback --steps reads.
    expect((await historyRows()).map((row) => row.version)).toEqual(["000001", "000002", "000010"]);
    expect(await applyRest(project)).toEqual(["000011"]);
    expect((await historyRows()).map((row) => row.version)).toEqual(["000001", "000002", "000010", "000011"]);
  });

  it("prisma: _prisma_migrations by folder, with SHA-256 checksums and a failure resolved the Prisma way", async () => {
    const files = {
      "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
      "prisma/migrations/20240105103000_init/migration.sql":
        '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
      "prisma/migrations/20240220154512_add_post/migration.sql":
        '-- CreateTable\nCREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL);\n',
      "prisma/migrations/20240301090000_post_title/migration.sql": '-- AlterTable\nALTER TABLE "Post" ADD COLUMN "title" TEXT;\n',
    };
    const init = files["prisma/migrations/20240105103000_init/migration.sql"];
    const post = files["prisma/migrations/20240220154512_add_post/migration.sql"];
    const project = await projectOf({ "drydock.toml": '[project]\nmigrations = "prisma/migrations"\n', ...files });
    await runByHand(
      init,
      post,
      // Prisma's own DDL (schema-engine, postgres flavour).
      `CREATE TABLE "_prisma_migrations" (
          "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
          "checksum"              VARCHAR(64) NOT NULL,
          "finished_at"           TIMESTAMPTZ,
          "migration_name"        VARCHAR(255) NOT NULL,
          "logs"                  TEXT,
          "rolled_back_at"        TIMESTAMPTZ,
          "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
          "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
       );
       INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES
         (gen_random_uuid()::text, '${sha256(init)}', '2024-01-05 10:30:02.5+00', '20240105103000_init', NULL, NULL, '2024-01-05 10:30:02+00', 1),
         (gen_random_uuid()::text, '${sha256(post)}', NULL, '20240220154512_add_post', 'Database error code: 40P01 deadlock detected', '2024-02-20 16:00:00+00', '2024-02-20 15:50:00+00', 0),
         (gen_random_uuid()::text, '${sha256(post)}', '2024-02-20 16:05:01+00', '20240220154512_add_post', NULL, NULL, '2024-02-20 16:05:00+00', 1);`,
    );
    const result = await adopt(project, { url: db.current.url, from: "prisma" });
    expect(result.table).toBe("public._prisma_migrations");
    expect(result.adopted.map((entry) => [entry.version, entry.applied_at, entry.applied_by])).toEqual([
      ["20240105103000_init", "2024-01-05T10:30:02.500Z", "adopt:prisma"],
      ["20240220154512_add_post", "2024-02-20T16:05:01.000Z", "adopt:prisma"],
    ]);
    const states = await statesOf(project);
    expect(states["20240105103000_init"]).toMatchObject({
      state: "applied",
      checksum: checksumOf(init),
      applied_at: "2024-01-05T10:30:02.500Z",
    });
    expect(states["20240301090000_post_title"]?.state).toBe("pending");
    expect(await applyRest(project)).toEqual(["20240301090000_post_title"]);
  });

  it("node-pg-migrate: pgmigrations by file name", async () => {
    const files = {
      "migrations/1700000000000_create-users.sql": "-- Up Migration\nCREATE TABLE users (id serial PRIMARY KEY);\n",
      "migrations/1700000500000_users-email.sql": "-- Up Migration\nALTER TABLE users ADD COLUMN email text;\n",
      "migrations/1710000000000_create-orgs.sql":
        "-- Up Migration\nCREATE TABLE orgs (id serial PRIMARY KEY);\n\n-- Down Migration\nDROP TABLE orgs;\n",
    };
    const project = await projectOf(files);
    await runByHand(
      files["migrations/1700000000000_create-users.sql"],
      files["migrations/1700000500000_users-email.sql"],
      // node-pg-migrate's own DDL (src/runner.ts), in its default schema.
      `CREATE TABLE "public"."pgmigrations" (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
       INSERT INTO "public"."pgmigrations" (name, run_on) VALUES
         ('1700000000000_create-users', '2023-11-14 22:13:20.512'),
         ('1700000500000_users-email', '2023-11-20 17:00:00');`,
    );
    const result = await adopt(project, { url: db.current.url, from: "node-pg-migrate" });
    expect(result.adopted.map((entry) => [entry.version, entry.tool_entry, entry.applied_at])).toEqual([
      ["1700000000000", "1700000000000_create-users", "2023-11-14T22:13:20.512Z"],
      ["1700000500000", "1700000500000_users-email", "2023-11-20T17:00:00.000Z"],
    ]);
    const states = await statesOf(project);
    expect(states["1700000500000"]).toMatchObject({
      state: "applied",
      checksum: checksumOf(files["migrations/1700000500000_users-email.sql"]),
    });
    expect(await applyRest(project)).toEqual(["1710000000000"]);
    // Its "-- Down Migration" section is the down, not more of the up.
    expect(await db.current.query("SELECT to_regclass('public.orgs') IS NOT NULL AS present")).toEqual([{ present: true }]);
  });
});
