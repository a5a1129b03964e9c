import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readGooseMigrations } from "./goose.js";

const makeProject = useTempMigrationProjects();

async function read(files: Record<string, string>) {
  const { root, migrationsDir } = await makeProject(files);
  return readGooseMigrations({ projectRoot: root, migrationsDir, variables: { OWNER: "app" } });
}

const file = (up: string, down: string, header = "") => `${header}-- +goose Up\n${up}\n-- +goose Down\n${down}\n`;

describe("goose format", () => {
  it("orders by version value and points both directions at the same file", async () => {
    const migrations = await read({
      "migrations/10_c.sql": file("select 10;", "select -10;"),
      "migrations/002_b.sql": file("select 2;", "select -2;"),
      "migrations/001_a.sql": file("select 1;", "select -1;"),
      "migrations/003_go_migration.go": "package migrations",
    });
    expect(migrations.map((m) => m.version)).toEqual(["001", "002", "10"]);
    expect(migrations[0]?.down?.file).toBe("migrations/001_a.sql");
    expect(migrations[0]?.up.sql).toBe("\nselect 1;\n\n\n");
    expect(migrations[0]?.down?.sql).toBe("\n\n\nselect -1;\n");
  });

  it("marks NO TRANSACTION files and blanks StatementBegin/End", async () => {
    const [migration] = await read({
      "migrations/006_index.sql": file(
        "-- +goose StatementBegin\ncreate index concurrently i on t (a);\n-- +goose StatementEnd",
        "drop index i;",
        "-- +goose NO TRANSACTION\n",
      ),
    });
    expect(migration?.up.formatAllowsTransaction).toBe(false);
    expect(migration?.down?.formatAllowsTransaction).toBe(false);
    expect(migration?.up.sql.split("\n")).toEqual(["", "", "", "create index concurrently i on t (a);", "", "", "", ""]);
  });

  it("substitutes variables in both sections", async () => {
    const [migration] = await read({
      "migrations/1_g.sql": file("grant select on t to :OWNER;", "revoke select on t from :OWNER;"),
    });
    expect(migration?.up.sql).toContain("to app;");
    expect(migration?.down?.sql).toContain("from app;");
  });

  it("refuses two files with the same version", async () => {
    await expect(read({ "migrations/001_a.sql": file("", ""), "migrations/1_b.sql": file("", "") })).rejects.toThrow(
      "duplicate migration version 001 (= 1): migrations/001_a.sql and migrations/1_b.sql",
    );
  });

  it("refuses a .sql file without a version", async () => {
    await expect(read({ "migrations/init.sql": file("", "") })).rejects.toThrow(
      "migrations/init.sql does not match the goose migration file pattern <version>_<name>.sql",
    );
  });
});
