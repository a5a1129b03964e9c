import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../test/support/temp-project.js";
import { InputError } from "../errors/drydock-error.js";
import { discoverMigrations } from "./discover-migrations.js";

const makeProject = useTempMigrationProjects();

describe("discoverMigrations", () => {
  it("detects the format and returns migrations in apply order", async () => {
    const { root, migrationsDir } = await makeProject({
      "migrations/002_b.sql": "-- +goose Up\nselect 2;\n-- +goose Down\nselect -2;",
      "migrations/001_a.sql": "-- +goose Up\nselect 1;\n-- +goose Down\nselect -1;",
    });
    const discovery = await discoverMigrations({ projectRoot: root, migrationsDir });
    expect(discovery.format).toBe("goose");
    expect(discovery.migrations.map((m) => m.version)).toEqual(["001", "002"]);
    const rollback = discovery.migrations.filter((m) => m.down).reverse();
    expect(rollback.map((m) => m.down?.file)).toEqual(["migrations/002_b.sql", "migrations/001_a.sql"]);
  });

  it("uses the format it is given instead of detecting one", async () => {
    const { root, migrationsDir } = await makeProject({ "migrations/1_a.sql": "-- +goose Up\nselect 1;" });
    const discovery = await discoverMigrations({ projectRoot: root, migrationsDir, format: "plain" });
    expect(discovery.format).toBe("plain");
    expect(discovery.migrations[0]?.up.sql).toBe("-- +goose Up\nselect 1;");
  });

  it("passes variables to every script", async () => {
    const { root, migrationsDir } = await makeProject({ "migrations/1_a.sql": "grant all on t to :OWNER;" });
    const discovery = await discoverMigrations({ projectRoot: root, migrationsDir, variables: { OWNER: "app" } });
    expect(discovery.migrations[0]?.up.sql).toBe("grant all on t to app;");
  });

  it("returns zero migrations for an empty folder", async () => {
    const { root, migrationsDir } = await makeProject();
    expect(await discoverMigrations({ projectRoot: root, migrationsDir })).toEqual({ format: "plain", migrations: [] });
  });

  it("refuses a missing migrations folder, pointing at drydock init and project.migrations", async () => {
    const { root } = await makeProject();
    const discovering = discoverMigrations({ projectRoot: root, migrationsDir: path.join(root, "db", "migrations") });
    await expect(discovering).rejects.toThrow(InputError);
    await expect(discovering).rejects.toThrow("migrations folder db/migrations does not exist");
    await expect(discovering).rejects.toMatchObject({
      exitCode: 2,
      details: { hint: expect.stringMatching(/drydock init.*project\.migrations/) },
    });
  });

  it("refuses a migrations path that is a file", async () => {
    const { root } = await makeProject();
    await writeFile(path.join(root, "schema.sql"), "select 1;");
    await expect(discoverMigrations({ projectRoot: root, migrationsDir: path.join(root, "schema.sql") })).rejects.toThrow(
      "migrations folder schema.sql is not a folder",
    );
  });

  it("refuses an unknown format", async () => {
    const { root, migrationsDir } = await makeProject();
    await expect(discoverMigrations({ projectRoot: root, migrationsDir, format: "liquibase" as unknown as "plain" })).rejects.toThrow(
      'unknown migration format "liquibase"',
    );
  });

  it("reports a non-UTF-8 migration with its file name", async () => {
    const { root, migrationsDir } = await makeProject({ "migrations/1_a.sql": Uint8Array.from([0x73, 0xff, 0x0a]) });
    await expect(discoverMigrations({ projectRoot: root, migrationsDir })).rejects.toThrow(
      "migration file migrations/1_a.sql is not valid UTF-8 (byte 1, line 1)",
    );
  });
});
