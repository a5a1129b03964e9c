import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DriftResult } from "../../src/api/drift.js";
import { loadProject } from "../../src/api/load-project.js";
import { snapshot } from "../../src/api/snapshot.js";
import { compareSnapshots } from "../../src/snapshot/compare-snapshots.js";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase, useTestDatabase } from "../support/test-database.js";

const project = useTempProjects();

const users = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_email_idx ON users (email);\n";
const posts = "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n";

async function driftJson(
  args: string[],
  environment: Record<string, string> = {},
): Promise<{ code: number; result: DriftResult; stderr: string }> {
  const run = await runDrydock(["drift", ...args, "--json"], environment);
  if (run.stdout === "") throw new Error(`drift printed no JSON (exit ${run.code}): ${run.stderr}`);
  return { code: run.code, result: JSON.parse(run.stdout) as DriftResult, stderr: run.stderr };
}

forEachEngine("drift of a database migrated by drydock", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("finds no drift after apply, and pending migrations are no drift", async () => {
    target = await newTarget();
    // The replay's pgcrypto is PGlite's build, with another version and other functions than the server's.
    const crypto =
      "CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE secrets (id int, hash text DEFAULT crypt('x', gen_salt('bf')));\n";
    const dir = await project({
      "migrations/0001_users.sql": users,
      "migrations/0002_posts.sql": posts,
      "migrations/0003_crypto.sql": crypto,
    });
    expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
    await writeFile(join(dir, "migrations/0004_tags.sql"), "CREATE TABLE tags (id int);\n");

    const { code, result } = await driftJson(["--dir", dir, "--url", target.url]);
    expect(code).toBe(0);
    expect(result).toMatchObject({
      target: { engine: target.engine, env: null },
      against: { kind: "migrations" },
      history: { differences: [], pending: [{ version: "0004", name: "tags" }], in_agreement: 3 },
      schema: { differences: [], statements: [] },
      drifted: false,
    });
    const human = await runDrydock(["drift", "--dir", dir, "--url", target.url]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("history: 3 in agreement, 1 pending (not drift)");
    expect(human.stdout).toContain("schema: no differences");
    expect(human.stdout).toContain("no drift");
  });
});

describe("drift against the migrations", () => {
  const env = useTestDatabase("drydock_drift_env");
  let fresh: TestDatabase | null = null;
  afterEach(async () => {
    await fresh?.drop();
    fresh = null;
  });

  it("finds hotfixes made by hand and writes the bridge migration that captures them", async () => {
    const dir = await project({
      "drydock.toml": '[env.prod]\nurl = "${PROD_URL}"\n',
      "migrations/0001_users.sql": users,
      "migrations/0002_posts.sql": posts,
    });
    const environment = { PROD_URL: env.current.url };
    const cli = async (...args: string[]) => runDrydock([...args, "--dir", dir], environment);
    expect((await cli("apply", "--env", "prod")).code).toBe(0);
    await env.current.exec("ALTER TABLE users ADD COLUMN nickname text; DROP INDEX users_email_idx;");

    const found = await runDrydock(["drift", "--dir", dir, "--env", "prod", "--json"], environment);
    expect(found.code).toBe(1);
    const result = JSON.parse(found.stdout) as DriftResult;
    expect(result.drifted).toBe(true);
    expect(result.target).toMatchObject({ engine: "postgres", env: "prod" });
    expect(result.history).toEqual({ differences: [], pending: [], in_agreement: 2 });
    expect(result.schema.differences).toEqual([
      { kind: "column", name: "public.users.nickname", change: "extra" },
      { kind: "index", name: "public.users_email_idx", change: "missing" },
    ]);
    expect(result.schema.statements).toEqual([
      '-- destructive: index public.users_email_idx\nDROP INDEX "public"."users_email_idx";',
      'ALTER TABLE "public"."users" ADD COLUMN "nickname" text;',
    ]);
    expect(result).not.toHaveProperty("bridge");

    const human = await cli("drift", "--env", "prod");
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/only in prod\s+column\s+public\.users\.nickname/);
    expect(human.stdout).toMatch(/only in the migrations\s+index\s+public\.users_email_idx/);
    expect(human.stdout).toContain("drift found");
    expect(human.stdout).toContain("--write-bridge");

    // A database built from the migrations, to apply the bridges to.
    fresh = await createTestDatabase("drydock_drift_fresh");
    const freshProject = await loadProject({ dir, environment: {} });
    expect((await runDrydock(["apply", "--dir", dir, "--url", fresh.url])).code).toBe(0);
    const fromMigrations = await snapshot(freshProject, { url: fresh.url });

    // By default the bridge leaves the drop out, as a comment, and its down undoes the rest.
    const safe = await driftJson(["--dir", dir, "--url", env.current.url, "--write-bridge", "prod hotfixes"]);
    expect(safe.code).toBe(1);
    const safeBridge = safe.result.bridge;
    expect(safeBridge).toMatchObject({ statements: 1, left_out: [expect.stringContaining("DROP INDEX")] });
    expect(safeBridge?.file).toMatch(/^migrations[/\\]\d{14}_bridge_prod_hotfixes\.sql$/);
    const safeText = await readFile(join(dir, safeBridge?.file ?? ""), "utf8");
    expect(safeText).toMatch(/^-- migrate:up\n-- Bridge migration written by drydock drift on /);
    expect(safeText).toContain('ALTER TABLE "public"."users" ADD COLUMN "nickname" text;');
    expect(safeText).toContain('-- DROP INDEX "public"."users_email_idx";');
    expect(safeText).toContain(`drydock repair --mark-applied ${safeBridge?.version} --url postgres://`);
    expect((await runDrydock(["apply", "--dir", dir, "--url", fresh.url])).code).toBe(0);
    const withSafe = await snapshot(freshProject, { url: fresh.url });
    expect(compareSnapshots(fromMigrations, withSafe)).toEqual([{ kind: "column", name: "public.users.nickname", change: "extra" }]);
    expect((await runDrydock(["rollback", "--dir", dir, "--url", fresh.url, "--steps", "1"])).code).toBe(0);
    expect(compareSnapshots(fromMigrations, await snapshot(freshProject, { url: fresh.url }))).toEqual([]);
    await rm(join(dir, safeBridge?.file ?? ""));

    // With --allow-destructive, the migrations and the bridge give the schema prod has.
    const full = await runDrydock(["drift", "--dir", dir, "--env", "prod", "--write-bridge", "--allow-destructive"], environment);
    expect(full.code).toBe(1);
    expect(full.stdout).toMatch(/bridge: wrote migrations[/\\]\d{14}_bridge_prod\.sql \(version \d{14}, 2 statements\)/);
    const version = /version (\d{14})/.exec(full.stdout)?.[1] ?? "";
    expect(full.stdout).toContain(`next: drydock repair --mark-applied ${version} --env prod`);
    expect((await runDrydock(["apply", "--dir", dir, "--url", fresh.url])).code).toBe(0);
    const prodSchema = await snapshot(freshProject, { url: env.current.url });
    expect(compareSnapshots(prodSchema, await snapshot(freshProject, { url: fresh.url }))).toEqual([]);
    expect((await runDrydock(["rollback", "--dir", dir, "--url", fresh.url, "--steps", "1"])).code).toBe(0);
    expect(compareSnapshots(fromMigrations, await snapshot(freshProject, { url: fresh.url }))).toEqual([]);

    // Recorded in prod with the step the output names, the bridge ends the drift.
    const recorded = await cli("repair", "--mark-applied", version, "--env", "prod");
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain(`marked applied: ${version} bridge_prod`);
    const after = await driftJson(["--dir", dir, "--url", env.current.url]);
    expect(after.code).toBe(0);
    expect(after.result).toMatchObject({ drifted: false, history: { in_agreement: 3 }, schema: { differences: [] } });
  });

  it("reports a migration edited after it was applied, replayed as it is now", async () => {
    const dir = await project({ "migrations/0001_users.sql": users });
    expect((await runDrydock(["apply", "--dir", dir, "--url", env.current.url])).code).toBe(0);
    await writeFile(join(dir, "migrations/0001_users.sql"), users.replace("email text NOT NULL", "email text NOT NULL, name text"));

    const { code, result } = await driftJson(["--dir", dir, "--url", env.current.url]);
    expect(code).toBe(1);
    expect(result.history.differences).toEqual([
      expect.objectContaining({ version: "0001", state: "changed", file: "migrations/0001_users.sql", target: expect.any(Object) }),
    ]);
    expect(result.history.differences[0]?.target?.checksum).not.toBe(result.history.differences[0]?.against?.checksum);
    expect(result.schema.differences).toEqual([{ kind: "column", name: "public.users.name", change: "missing" }]);
    expect(result.notes).toEqual([expect.stringContaining("0001 was edited after being applied")]);
    const human = await runDrydock(["drift", "--dir", dir, "--url", env.current.url]);
    expect(human.stdout).toMatch(/changed\s+0001\s+users/);
    expect(human.stdout).toContain("drydock repair --accept-checksum 0001");
  });

  it("takes what the applying role owns as the migrations' own, and reports another owner", async () => {
    const role = `drydock_drift_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    await env.current.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'; CREATE ROLE ${role}_other;
      GRANT CREATE ON DATABASE ${env.current.name} TO ${role}; GRANT CREATE ON SCHEMA public TO ${role};`);
    try {
      const url = new URL(env.current.url);
      url.username = role;
      url.password = password;
      const dir = await project({ "migrations/0001_users.sql": users, "migrations/0002_posts.sql": posts });
      // An application role that does not own the database applies the migrations: it owns what they create.
      expect((await runDrydock(["apply", "--dir", dir, "--url", url.toString()])).code).toBe(0);
      const [owner] = await env.current.query<{ owner: string }>(
        "SELECT tableowner::text AS owner FROM pg_tables WHERE tablename = 'users'",
      );
      expect(owner?.owner).toBe(role);
      const clean = await driftJson(["--dir", dir, "--url", url.toString()]);
      expect(clean.result).toMatchObject({ drifted: false, schema: { differences: [] } });

      await env.current.exec(`ALTER TABLE posts OWNER TO ${role}_other`);
      const moved = await driftJson(["--dir", dir, "--url", url.toString()]);
      expect(moved.code).toBe(1);
      expect(moved.result.schema.differences).toEqual([
        { kind: "table", name: "public.posts", change: "changed", attribute: "owner", before: null, after: `${role}_other` },
      ]);
    } finally {
      await env.current.exec(`DROP OWNED BY ${role}, ${role}_other; DROP ROLE ${role}; DROP ROLE ${role}_other;`);
    }
  });

  it("says so when nothing is left to bridge without drops", async () => {
    const dir = await project({ "migrations/0001_users.sql": users });
    expect((await runDrydock(["apply", "--dir", dir, "--url", env.current.url])).code).toBe(0);
    await env.current.exec("DROP INDEX users_email_idx");
    const { code, result } = await driftJson(["--dir", dir, "--url", env.current.url, "--write-bridge"]);
    expect(code).toBe(1);
    expect(result.bridge).toBeNull();
    expect(result.notes).toEqual([expect.stringContaining("Pass --allow-destructive")]);
  });
});

describe("drift between two databases", () => {
  let dev: TestDatabase;
  let prod: TestDatabase;
  afterEach(async () => {
    await dev?.drop();
    await prod?.drop();
  });

  it("finds what each applied and the other did not, checksums that differ, and writes the bridge the other lacks", async () => {
    dev = await createTestDatabase("drydock_drift_dev");
    prod = await createTestDatabase("drydock_drift_prod");
    const config = '[env.dev]\nurl = "${DEV_URL}"\n[env.prod]\nurl = "${PROD_URL}"\n';
    const environment = { DEV_URL: dev.url, PROD_URL: prod.url };
    const tags = "CREATE TABLE tags (id int);\n";
    // dev has unmerged work (0002) and a table made by hand; prod a hotfix migration (0003).
    const devDir = await project({ "migrations/0001_users.sql": users, "migrations/0002_posts.sql": posts });
    const prodDir = await project({ "drydock.toml": config, "migrations/0001_users.sql": users, "migrations/0003_tags.sql": tags });
    expect((await runDrydock(["apply", "--dir", devDir, "--url", dev.url])).code).toBe(0);
    expect((await runDrydock(["apply", "--dir", prodDir, "--url", prod.url])).code).toBe(0);
    await dev.exec("CREATE TABLE upload_errors (id bigint PRIMARY KEY, message text NOT NULL)");
    // The same version with other SQL in one of them.
    await dev.exec("UPDATE drydock.migrations SET checksum = 'edited' WHERE version = '0001'");
    const dir = await project({
      "drydock.toml": config,
      "migrations/0001_users.sql": users,
      "migrations/0002_posts.sql": posts,
      "migrations/0003_tags.sql": tags,
    });

    const { code, result } = await driftJson(["--dir", dir, "--env", "dev", "--against", "prod"], environment);
    expect(code).toBe(1);
    expect(result.target).toMatchObject({ engine: "postgres", env: "dev" });
    expect(result.against).toMatchObject({ kind: "database", engine: "postgres", env: "prod" });
    expect(result.history.in_agreement).toBe(0);
    expect(result.history.differences.map(({ version, state, file }) => ({ version, state, file }))).toEqual([
      { version: "0001", state: "changed", file: "migrations/0001_users.sql" },
      { version: "0002", state: "only-in-target", file: "migrations/0002_posts.sql" },
      { version: "0003", state: "only-in-against", file: "migrations/0003_tags.sql" },
    ]);
    expect(result.history.differences[0]).toMatchObject({ target: { checksum: "edited" }, against: { checksum: expect.any(String) } });
    expect(result.schema.differences).toEqual([
      { kind: "table", name: "public.posts", change: "extra" },
      { kind: "table", name: "public.tags", change: "missing" },
      { kind: "table", name: "public.upload_errors", change: "extra" },
    ]);
    expect(result.notes).toEqual([expect.stringContaining("dev applied 1 migration that prod has not, with files in the project (0002)")]);
    const human = await runDrydock(["drift", "--dir", dir, "--env", "dev", "--against", "prod"], environment);
    expect(human.stdout).toMatch(/only-in-target\s+0002\s+posts/);
    expect(human.stdout).toMatch(/only in dev\s+table\s+public\.upload_errors/);
    expect(human.stdout).toMatch(/only in prod\s+table\s+public\.tags/);

    // In prod's project: the bridge brings dev's work to prod, without dropping prod's hotfix.
    const written = await driftJson(["--dir", prodDir, "--env", "dev", "--against", "prod", "--write-bridge"], environment);
    const bridge = written.result.bridge;
    expect(bridge?.file).toMatch(/^migrations[/\\]\d{14}_bridge_dev_to_prod\.sql$/);
    expect(bridge?.left_out).toEqual(['-- destructive: table public.tags and its data\nDROP TABLE "public"."tags";']);
    expect(bridge?.next).toEqual(["drydock apply --env prod", `drydock repair --mark-applied ${bridge?.version} --env dev`]);
    expect((await runDrydock(["apply", "--dir", prodDir, "--env", "prod"], environment)).code).toBe(0);
    const reconciled = await driftJson(["--dir", prodDir, "--env", "dev", "--against", "prod"], environment);
    expect(reconciled.result.schema.differences).toEqual([{ kind: "table", name: "public.tags", change: "missing" }]);
  });

  it("refuses a source that is no database, and the target itself", async () => {
    const dir = await project({ "drydock.toml": '[env.dev]\nurl = "postgres://app@127.0.0.1:1/dev"\n' });
    const unknown = await runDrydock(["drift", "--dir", dir, "--env", "dev", "--against", "staging"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--against staging is no environment, URL or "migrations"');
    expect(unknown.stderr).toContain("(dev)");
    const itself = await runDrydock(["drift", "--dir", dir, "--env", "dev", "--against", "postgres://app@127.0.0.1:1/dev"]);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain("--against names the target itself");
  });
});

describe("drift and passwords", () => {
  const secret = "Dr1ft-S3cret_pw";
  const role = `drydock_drift_secret_${process.pid}`;
  let db: TestDatabase;
  afterEach(async () => {
    await db?.drop();
    const admin = await createTestDatabase();
    await admin.exec(`DROP ROLE IF EXISTS ${role}`);
    await admin.drop();
  });

  it("keeps the password out of the output, the bridge and the errors", async () => {
    db = await createTestDatabase("drydock_drift_secret");
    await db.exec(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${secret}'`);
    const url = new URL(db.url);
    url.username = role;
    url.password = secret;
    const dir = await project({ "migrations/0001_users.sql": users });
    expect((await runDrydock(["apply", "--dir", dir, "--url", url.toString()])).code).toBe(0);
    await db.exec("ALTER TABLE users ADD COLUMN nickname text");

    const outputs: string[] = [];
    for (const extra of [[], ["--json"], ["--verbose"], ["--write-bridge"]]) {
      const run = await runDrydock(["drift", "--dir", dir, "--url", url.toString(), ...extra]);
      expect(run.code).toBe(1);
      outputs.push(run.stdout, run.stderr);
      if (extra[0] === "--write-bridge") {
        const file = /bridge: wrote (\S+)/.exec(run.stdout)?.[1] ?? "";
        const text = await readFile(join(dir, file), "utf8");
        expect(text).toContain(`--url postgres://${role}:***@`);
        outputs.push(text);
      }
    }
    const against = await runDrydock([
      "drift",
      "--dir",
      dir,
      "--url",
      url.toString(),
      "--against",
      `postgres://app:${secret}@127.0.0.1:1/prod`,
    ]);
    expect(against.code).toBe(3);
    expect(against.stderr).toContain("postgres://app:***@127.0.0.1:1/prod");
    outputs.push(against.stdout, against.stderr);
    for (const text of outputs) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  });
});
