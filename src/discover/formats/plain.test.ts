import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { InputError } from "../../errors/drydock-error.js";
import { checksumOf } from "../../util/hash.js";
import { readPlainMigrations } from "./plain.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>, variables: Record<string, string> = {}) {
  const { root, migrationsDir } = await makeProject(files);
  return readPlainMigrations({ projectRoot: root, migrationsDir, variables });
}

describe("plain format", () => {
  it("orders by version value, whatever the separator or width", async () => {
    const migrations = await read({
      "migrations/0002-storage-schema.sql": "select 2;",
      "migrations/00010-search-files.sql": "select 10;",
      "migrations/0009.fix_search.sql": "select 9;",
      "migrations/0001_initial.sql": "select 1;",
      "migrations/V0011.Add_Trigger.sql": "select 11;",
    });
    expect(migrations.map((m) => [m.version, m.name])).toEqual([
      ["0001", "initial"],
      ["0002", "storage-schema"],
      ["0009", "fix_search"],
      ["00010", "search-files"],
      ["0011", "Add_Trigger"],
    ]);
    expect(migrations.map((m) => m.up.file)[3]).toBe("migrations/00010-search-files.sql");
    expect(migrations.every((m) => m.format === "plain" && m.kind === "versioned")).toBe(true);
  });

  it("pairs a .down.sql sibling by version value", async () => {
    const [first, second] = await read({
      "migrations/001_users.sql": "create table users ();",
      "migrations/001_users.down.sql": "drop table users;",
      "migrations/2_posts.up.sql": "create table posts ();",
      "migrations/002_posts.down.sql": "drop table posts;",
    });
    expect(first?.down).toEqual({
      file: "migrations/001_users.down.sql",
      sql: "drop table users;",
      formatAllowsTransaction: true,
    });
    expect(second?.up.file).toBe("migrations/2_posts.up.sql");
    expect(second?.down?.file).toBe("migrations/002_posts.down.sql");
    expect(first?.checksum).toBe(checksumOf("create table users ();"));
  });

  it("reads a -- migrate:down section, keeping the lines above it as the up script", async () => {
    const [migration] = await read({ "migrations/1_t.sql": "create table t ();\n-- migrate:down\ndrop table t;\n" });
    expect(migration?.up.sql).toBe("create table t ();\n\n\n");
    expect(migration?.down).toMatchObject({ file: "migrations/1_t.sql", sql: "\n\ndrop table t;\n" });
  });

  it("reads node-pg-migrate's -- Up Migration / -- Down Migration sections, so the down never runs with the up", async () => {
    const [created, noUpMarker] = await read({
      "migrations/1700000000000_create-users.sql":
        "-- Up Migration\nCREATE TABLE users (id int);\n\n-- Down Migration\nDROP TABLE users;\n",
      "migrations/1700000000001_posts.sql": "create table posts ();\n-- down migration for posts\ndrop table posts;\n",
    });
    expect(created?.up.sql).toBe("\nCREATE TABLE users (id int);\n\n\n\n");
    expect(created?.down).toMatchObject({ file: "migrations/1700000000000_create-users.sql", sql: "\n\n\n\nDROP TABLE users;\n" });
    expect(noUpMarker?.up.sql).toBe("create table posts ();\n\n\n");
    expect(noUpMarker?.down?.sql).toBe("\n\ndrop table posts;\n");
  });

  it("has no down script when there is neither a sibling nor a section", async () => {
    const [migration] = await read({ "migrations/20251014220000_init.sql": "select 1;" });
    expect(migration?.down).toBeNull();
  });

  it("ignores sub-folders and non-SQL files (drizzle meta/, READMEs)", async () => {
    const migrations = await read({
      "migrations/0000_init.sql": "select 1;",
      "migrations/meta/_journal.json": "{}",
      "migrations/meta/0000_snapshot.sql": "not a migration",
      "migrations/README.md": "# notes",
      "migrations/.gitkeep": "",
    });
    expect(migrations.map((m) => m.up.file)).toEqual(["migrations/0000_init.sql"]);
  });

  it("substitutes variables", async () => {
    const [migration] = await read({ "migrations/1_grant.sql": "grant usage on schema app to :OWNER;" }, { OWNER: "app" });
    expect(migration?.up.sql).toBe("grant usage on schema app to app;");
  });

  it("returns no migrations for an empty folder", async () => {
    expect(await read({})).toEqual([]);
  });

  it("refuses two files with the same version value, naming both", async () => {
    const reading = read({ "migrations/002_a.sql": "select 1;", "migrations/2_b.sql": "select 2;" });
    await expect(reading).rejects.toThrow(InputError);
    await expect(reading).rejects.toThrow("duplicate migration version 002 (= 2): migrations/002_a.sql and migrations/2_b.sql");
  });

  it("refuses a down file without an up file", async () => {
    const reading = read({ "migrations/0001_a.sql": "select 1;", "migrations/0003_x.down.sql": "select 3;" });
    await expect(reading).rejects.toThrow(
      "migrations/0003_x.down.sql is a down migration without an up migration (expected 0003_<name>.sql)",
    );
  });

  it("refuses a down section and a down file for the same migration", async () => {
    const reading = read({
      "migrations/1_a.sql": "select 1;\n-- migrate:down\nselect 2;",
      "migrations/1_a.down.sql": "select 2;",
    });
    await expect(reading).rejects.toThrow(
      /migrations\/1_a\.sql has a "-- migrate:down" section and a separate down file migrations\/1_a\.down\.sql/,
    );
  });

  it("refuses a .sql file whose name has no version, saying which pattern is expected", async () => {
    const reading = read({ "migrations/seed.sql": "insert into t values (1);" });
    await expect(reading).rejects.toThrow("migrations/seed.sql does not match the plain migration file pattern <version>_<name>.sql");
    await expect(reading).rejects.toMatchObject({ details: { hint: expect.stringContaining("project.format") } });
  });
});
