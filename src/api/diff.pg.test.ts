import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/support/test-database.js";
import { configSchema } from "../config/schema.js";
import type { Project } from "../model/project.js";
import { diff } from "./diff.js";
import { snapshot } from "./snapshot.js";

async function tempProject(migrations: Record<string, string>): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), "drydock-diff-test-"));
  const migrationsDir = join(root, "migrations");
  await writeFile(join(root, "drydock.toml"), '[project]\nmigrations = "migrations"\n');
  const { mkdir } = await import("node:fs/promises");
  await mkdir(migrationsDir);
  for (const [name, sql] of Object.entries(migrations)) await writeFile(join(migrationsDir, name), sql);
  return { root, configFile: null, config: configSchema.parse({ project: { migrations: "migrations" } }), migrationsDir, environment: {} };
}

describe("diff", () => {
  it("compares a database with the migrations replayed in a sandbox, and a snapshot file", async () => {
    const project = await tempProject({
      "0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
      "0002_posts.sql": "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n",
    });
    const db = await createTestDatabase("drydock_diff_api");
    try {
      await db.exec("CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy text)");
      const result = await diff(project, db.url, "migrations");
      expect(result.statements).toContain('CREATE TABLE "public"."posts" (\n  "id" bigint NOT NULL,\n  "user_id" bigint\n);');
      expect(result.statements).toContain('ALTER TABLE "public"."users" ALTER COLUMN "email" SET NOT NULL;');
      expect(result.statements).toContain(
        '-- destructive: column public.users.legacy and its data\nALTER TABLE "public"."users" DROP COLUMN "legacy";',
      );
      expect((await diff(project, db.url, "migrations", { safe: true })).statements.some((s) => s.startsWith("-- destructive:"))).toBe(
        false,
      );

      const file = join(project.root, "live.json");
      await writeFile(file, JSON.stringify(await snapshot(project, { url: db.url })));
      expect((await diff(project, "live.json", db.url)).statements).toEqual([]);
      await expect(diff(project, "nowhere", db.url)).rejects.toThrow(
        /diff source "nowhere" is not migrations, a URL, an environment or a snapshot file/,
      );
    } finally {
      await db.drop();
      await rm(project.root, { recursive: true, force: true });
    }
  });
});

describe("diff of extensions", () => {
  it("does not bring a database built from the migrations to the embedded replay's extension versions", async () => {
    const migrations = {
      "0001_crypto.sql":
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE secrets (id bigint PRIMARY KEY, hash text DEFAULT crypt('x', gen_salt('bf')));\n",
    };
    const project = await tempProject(migrations);
    const db = await createTestDatabase("drydock_diff_api");
    try {
      await db.exec(migrations["0001_crypto.sql"]);
      const replayed = (await diff(project, "migrations", "migrations")).to;
      const server = await snapshot(project, { url: db.url });
      // The point of the test: the two engines ship different pgcrypto versions.
      expect(replayed.extensions.find((extension) => extension.name === "pgcrypto")?.version).not.toBe(
        server.extensions.find((extension) => extension.name === "pgcrypto")?.version,
      );
      expect((await diff(project, db.url, "migrations")).statements).toEqual([]);
      expect((await diff(project, "migrations", db.url)).statements).toEqual([]);
    } finally {
      await db.drop();
      await rm(project.root, { recursive: true, force: true });
    }
  });

  it("updates an extension to the other side's version and moves it to the other side's schema", async () => {
    const project = await tempProject({});
    const from = await createTestDatabase("drydock_diff_ext_from");
    const to = await createTestDatabase("drydock_diff_ext_to");
    try {
      await from.exec("CREATE EXTENSION hstore VERSION '1.7'; CREATE EXTENSION pg_trgm;");
      await to.exec("CREATE SCHEMA extensions; CREATE EXTENSION hstore VERSION '1.8'; CREATE EXTENSION pg_trgm SCHEMA extensions;");
      const config = { project: { schemas: ["public", "extensions"] } };
      const scoped = { ...project, config: configSchema.parse({ ...config, project: { ...config.project, migrations: "migrations" } }) };
      const result = await diff(scoped, from.url, to.url);
      expect(result.statements).toContain(`ALTER EXTENSION "hstore" UPDATE TO '1.8';`);
      expect(result.statements).toContain(`ALTER EXTENSION "pg_trgm" SET SCHEMA "extensions";`);
      for (const statement of result.statements) await from.exec(statement);
      expect((await diff(scoped, from.url, to.url)).statements).toEqual([]);
    } finally {
      await from.drop();
      await to.drop();
      await rm(project.root, { recursive: true, force: true });
    }
  });
});
