import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readSqlMigrateMigrations } from "./sql-migrate.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readSqlMigrateMigrations({ projectRoot: root, migrationsDir, variables: {} });
}

const file = (up: string, down: string, upOption = "") => `-- +migrate Up${upOption}\n${up}\n-- +migrate Down\n${down}\n`;

describe("sql-migrate format", () => {
  it("orders by the number's value, then by file name, and keeps files that share a number", async () => {
    const migrations = await read({
      "migrations/39_history_trades_indices.sql": file("select 2;", "select -2;"),
      "migrations/40_fix.sql": file("select 3;", "select -3;"),
      "migrations/39_claimable_balances.sql": file("select 1;", "select -1;"),
      "migrations/9_early.sql": file("select 0;", "select -0;"),
    });
    expect(migrations.map((m) => m.version)).toEqual(["9_early", "39_claimable_balances", "39_history_trades_indices", "40_fix"]);
    expect(migrations[1]).toMatchObject({ name: "claimable_balances", format: "sql-migrate" });
    expect(migrations[1]?.down?.file).toBe("migrations/39_claimable_balances.sql");
  });

  it("reads notransaction for the direction it is written on", async () => {
    const [migration] = await read({
      "migrations/1_i.sql": file("create index concurrently i on t (a);", "drop index i;", " notransaction"),
    });
    expect(migration?.up.formatAllowsTransaction).toBe(false);
    expect(migration?.down?.formatAllowsTransaction).toBe(true);
  });

  it("refuses a file that does not start with a number", async () => {
    await expect(read({ "migrations/init.sql": file("", "") })).rejects.toThrow(
      "migrations/init.sql does not match the sql-migrate migration file pattern <number>_<name>.sql",
    );
  });

  it("refuses a file without an Up marker", async () => {
    await expect(read({ "migrations/1_a.sql": "select 1;" })).rejects.toThrow('migrations/1_a.sql has no "-- +migrate Up" marker');
  });
});
