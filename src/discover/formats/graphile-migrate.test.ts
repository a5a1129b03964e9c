import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readGraphileMigrateMigrations } from "./graphile-migrate.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readGraphileMigrateMigrations({ projectRoot: root, migrationsDir, variables: { DATABASE_OWNER: "app" } });
}

const header = "--! Previous: -\n--! Hash: sha1:e6c42d434282b7130c5c634ab4911d6a0dbbd444\n\n";

describe("graphile-migrate format", () => {
  it("reads committed/ in numeric order, keeping the header comments and ignoring current.sql", async () => {
    const migrations = await read({
      "migrations/committed/000002.sql": `${header}select 2;`,
      "migrations/committed/000001.sql": `${header}grant all on schema public to :DATABASE_OWNER;`,
      "migrations/current.sql": "-- work in progress",
      "migrations/afterReset.sql": "select 0;",
    });
    expect(migrations.map((m) => m.up.file)).toEqual(["migrations/committed/000001.sql", "migrations/committed/000002.sql"]);
    expect(migrations[0]).toMatchObject({ version: "000001", name: "", format: "graphile-migrate", down: null });
    expect(migrations[0]?.up.sql).toBe(`${header}grant all on schema public to app;`);
  });

  it("reads a --! no-transaction header", async () => {
    const [migration] = await read({
      "migrations/committed/000001-index.sql": `--! no-transaction\n${header}create index concurrently i on t (a);`,
    });
    expect(migration).toMatchObject({ version: "000001", name: "index" });
    expect(migration?.up.formatAllowsTransaction).toBe(false);
  });

  it("refuses a committed file with another name", async () => {
    await expect(read({ "migrations/committed/first.sql": "" })).rejects.toThrow(
      "migrations/committed/first.sql does not match the graphile-migrate migration file pattern committed/<NNNNNN>.sql",
    );
  });

  it("refuses a folder without committed/", async () => {
    await expect(read({})).rejects.toThrow("graphile-migrate folder migrations/committed does not exist");
  });
});
