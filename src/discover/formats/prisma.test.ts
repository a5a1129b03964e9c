import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readPrismaMigrations } from "./prisma.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readPrismaMigrations({ projectRoot: root, migrationsDir, variables: {} });
}

describe("prisma format", () => {
  it("orders folders by name and uses the folder name as version", async () => {
    const migrations = await read({
      "migrations/20240304123642_b/migration.sql": "select 2;",
      "migrations/20240304123642_a/migration.sql": "select 1;",
      "migrations/20230518191501_init/migration.sql": "select 0;",
      "migrations/migration_lock.toml": 'provider = "postgresql"',
    });
    expect(migrations.map((m) => m.up.file)).toEqual([
      "migrations/20230518191501_init/migration.sql",
      "migrations/20240304123642_a/migration.sql",
      "migrations/20240304123642_b/migration.sql",
    ]);
    expect(migrations[1]).toMatchObject({ version: "20240304123642_a", name: "a", format: "prisma", down: null });
  });

  it("refuses a migration folder without migration.sql", async () => {
    await expect(read({ "migrations/20240101000000_x/README.md": "" })).rejects.toThrow(
      "Prisma migration folder migrations/20240101000000_x has no migration.sql",
    );
  });

  it("refuses a loose .sql file", async () => {
    await expect(read({ "migrations/01_init/migration.sql": "", "migrations/extra.sql": "" })).rejects.toThrow(
      "migrations/extra.sql does not match the prisma migration file pattern <timestamp>_<name>/migration.sql",
    );
  });
});
