import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readDieselMigrations } from "./diesel.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readDieselMigrations({ projectRoot: root, migrationsDir, variables: {} });
}

describe("diesel format", () => {
  it("takes the version before the first _ without dashes and orders versions as strings", async () => {
    const migrations = await read({
      "migrations/2026-01-20-162913_later/up.sql": "select 3;",
      "migrations/2025-12-29-110242-0000_long/up.sql": "select 2;",
      "migrations/2026-05-27-120000-0000_long_same_day/up.sql": "select 5;",
      "migrations/2026-05-27-120000_short_same_day/up.sql": "select 4;",
      "migrations/00000000000000_diesel_initial_setup/up.sql": "select 1;",
    });
    expect(migrations.map((m) => m.version)).toEqual([
      "00000000000000",
      "202512291102420000",
      "20260120162913",
      "20260527120000",
      "202605271200000000",
    ]);
    expect(migrations[0]).toMatchObject({ name: "diesel_initial_setup", format: "diesel" });
  });

  it("pairs down.sql and reads run_in_transaction = false from metadata.toml", async () => {
    const migrations = await read({
      "migrations/2024-02-12-120203_remove_index/up.sql": "drop index concurrently i;",
      "migrations/2024-02-12-120203_remove_index/down.sql": "create index concurrently i on t (a);",
      "migrations/2024-02-12-120203_remove_index/metadata.toml": "run_in_transaction = false\n",
      "migrations/2024-02-13-000000_no_down/up.sql": "select 1;",
    });
    expect(migrations[0]?.up.formatAllowsTransaction).toBe(false);
    expect(migrations[0]?.down).toMatchObject({
      file: "migrations/2024-02-12-120203_remove_index/down.sql",
      formatAllowsTransaction: false,
    });
    expect(migrations[1]?.up.formatAllowsTransaction).toBe(true);
    expect(migrations[1]?.down).toBeNull();
  });

  it("refuses a folder without up.sql", async () => {
    await expect(read({ "migrations/2024-01-01-000000_x/down.sql": "" })).rejects.toThrow(
      "diesel migration folder migrations/2024-01-01-000000_x has no up.sql",
    );
  });

  it("refuses two folders with the same version", async () => {
    await expect(read({ "migrations/2024-01-01-000000_a/up.sql": "", "migrations/20240101000000_b/up.sql": "" })).rejects.toThrow(
      "duplicate migration version 20240101000000: migrations/2024-01-01-000000_a/up.sql and migrations/20240101000000_b/up.sql",
    );
  });

  it("refuses an unreadable metadata.toml, naming it", async () => {
    await expect(
      read({
        "migrations/2024-01-01-000000_a/up.sql": "",
        "migrations/2024-01-01-000000_a/metadata.toml": "run_in_transaction = ",
      }),
    ).rejects.toThrow(/cannot read diesel metadata migrations\/2024-01-01-000000_a\/metadata\.toml/);
  });
});
