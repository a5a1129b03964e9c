import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readGolangMigrateMigrations } from "./golang-migrate.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readGolangMigrateMigrations({ projectRoot: root, migrationsDir, variables: {} });
}

describe("golang-migrate format", () => {
  it("pairs .up.sql and .down.sql files and orders them by version", async () => {
    const migrations = await read({
      "migrations/10_c.up.sql": "select 10;",
      "migrations/10_c.down.sql": "select -10;",
      "migrations/9_b.up.sql": "select 9;",
      "migrations/1_a.up.sql": "select 1;",
      "migrations/1_a.down.sql": "select -1;",
    });
    expect(migrations.map((m) => m.up.file)).toEqual(["migrations/1_a.up.sql", "migrations/9_b.up.sql", "migrations/10_c.up.sql"]);
    expect(migrations.map((m) => m.down?.file ?? null)).toEqual(["migrations/1_a.down.sql", null, "migrations/10_c.down.sql"]);
    expect(migrations[0]).toMatchObject({ version: "1", name: "a", format: "golang-migrate" });
  });

  it("reads Authelia's V0001.Name.up.sql spelling", async () => {
    const [migration] = await read({
      "migrations/V0001.Initial_Schema.up.sql": "select 1;",
      "migrations/V0001.Initial_Schema.down.sql": "select 2;",
    });
    expect(migration).toMatchObject({ version: "0001", name: "Initial_Schema" });
    expect(migration?.down?.file).toBe("migrations/V0001.Initial_Schema.down.sql");
  });

  it("refuses a .sql file without a direction", async () => {
    await expect(read({ "migrations/1_a.sql": "select 1;" })).rejects.toThrow(
      "migrations/1_a.sql does not match the golang-migrate migration file pattern <version>_<name>.up.sql or <version>_<name>.down.sql",
    );
  });

  it("refuses a down file without an up file", async () => {
    await expect(read({ "migrations/3_x.down.sql": "select 1;" })).rejects.toThrow(
      "migrations/3_x.down.sql is a down migration without an up migration (expected 3_<name>.up.sql)",
    );
  });

  it("refuses two up files with the same version", async () => {
    await expect(read({ "migrations/1_a.up.sql": "", "migrations/01_b.up.sql": "" })).rejects.toThrow(
      /duplicate migration version .*migrations\/01_b\.up\.sql and migrations\/1_a\.up\.sql/,
    );
  });
});
