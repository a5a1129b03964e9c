import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readDbmateMigrations } from "./dbmate.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readDbmateMigrations({ projectRoot: root, migrationsDir, variables: {} });
}

describe("dbmate format", () => {
  it("splits -- migrate:up / -- migrate:down sections of one file", async () => {
    const [migration] = await read({
      "migrations/20240101120000_create_users.sql": "-- migrate:up\ncreate table users ();\n\n-- migrate:down\ndrop table users;\n",
    });
    expect(migration).toMatchObject({ version: "20240101120000", name: "create_users", format: "dbmate" });
    expect(migration?.up).toEqual({
      file: "migrations/20240101120000_create_users.sql",
      sql: "\ncreate table users ();\n\n\n\n",
      formatAllowsTransaction: true,
    });
    expect(migration?.down?.sql).toBe("\n\n\n\ndrop table users;\n");
  });

  it("orders by version and reads transaction:false", async () => {
    const migrations = await read({
      "migrations/20240102000000_b.sql": "-- migrate:up transaction:false\ncreate index concurrently i on t (a);\n",
      "migrations/20240101000000_a.sql": "-- migrate:up\ncreate table t (a int);\n",
    });
    expect(migrations.map((m) => [m.version, m.up.formatAllowsTransaction])).toEqual([
      ["20240101000000", true],
      ["20240102000000", false],
    ]);
  });

  it("refuses a file without -- migrate:up", async () => {
    await expect(read({ "migrations/1_a.sql": "select 1;" })).rejects.toThrow('migrations/1_a.sql has no "-- migrate:up" marker');
  });
});
