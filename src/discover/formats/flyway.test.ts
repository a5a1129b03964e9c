import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readFlywayMigrations } from "./flyway.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readFlywayMigrations({ projectRoot: root, migrationsDir, variables: {} });
}

describe("flyway format", () => {
  it("runs versioned migrations by version value, then repeatables by description", async () => {
    const migrations = await read({
      "migrations/R__Runs_view.sql": "create or replace view runs as select 1;",
      "migrations/V10__ten.sql": "select 10;",
      "migrations/V2.1__two_one.sql": "select 2.1;",
      "migrations/V2__two.sql": "select 2;",
      "migrations/R__Datasets_view.sql": "create or replace view datasets as select 1;",
      "migrations/V1__initial_schema.sql": "select 1;",
      "migrations/V17_2__underscored.sql": "select 17.2;",
    });
    expect(migrations.map((m) => m.version)).toEqual(["1", "2", "2.1", "10", "17.2", "R__Datasets_view", "R__Runs_view"]);
    expect(migrations.map((m) => m.kind)).toEqual([
      "versioned",
      "versioned",
      "versioned",
      "versioned",
      "versioned",
      "repeatable",
      "repeatable",
    ]);
    expect(migrations[0]).toMatchObject({ name: "initial_schema", format: "flyway", down: null });
    expect(migrations[5]?.name).toBe("Datasets_view");
  });

  it("pairs an undo U file with its version", async () => {
    const [migration] = await read({
      "migrations/V3__add.sql": "create table t ();",
      "migrations/U3__add.sql": "drop table t;",
    });
    expect(migration?.down).toEqual({
      file: "migrations/U3__add.sql",
      sql: "drop table t;",
      formatAllowsTransaction: true,
    });
  });

  it("scans sub-folders like Flyway and reads executeInTransaction=false from a .sql.conf", async () => {
    const migrations = await read({
      "migrations/V1__a.sql": "select 1;",
      "migrations/indexes/V2__index.sql": "create index concurrently i on t (a);",
      "migrations/indexes/V2__index.sql.conf": "executeInTransaction=false\n",
    });
    expect(migrations.map((m) => [m.up.file, m.up.formatAllowsTransaction])).toEqual([
      ["migrations/V1__a.sql", true],
      ["migrations/indexes/V2__index.sql", false],
    ]);
  });

  it("refuses two files of the same version (1 and 1.0 included)", async () => {
    await expect(read({ "migrations/V1__a.sql": "", "migrations/V1.0__b.sql": "" })).rejects.toThrow(
      "duplicate migration version 1.0 (= 1): migrations/V1.0__b.sql and migrations/V1__a.sql",
    );
  });

  it("refuses an undo file without its versioned migration", async () => {
    await expect(read({ "migrations/V1__a.sql": "", "migrations/U2__b.sql": "" })).rejects.toThrow(
      "migrations/U2__b.sql is a down migration without an up migration (expected V2__<description>.sql)",
    );
  });

  it("refuses a .sql file that is not V, U or R", async () => {
    await expect(read({ "migrations/V1_missing_double_underscore.sql": "" })).rejects.toThrow(
      "migrations/V1_missing_double_underscore.sql does not match the flyway migration file pattern V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql",
    );
  });
});
