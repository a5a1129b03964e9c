import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { loadProject } from "./load-project.js";
import { newMigration, utcTimestamp, writeMigration } from "./new-migration.js";

const now = new Date(Date.UTC(2025, 9, 14, 22, 5, 9, 750));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "drydock-new-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("utcTimestamp", () => {
  it("writes YYYYMMDDHHMMSS in UTC", () => {
    expect(utcTimestamp(now)).toBe("20251014220509");
    expect(utcTimestamp(new Date("2024-02-29T23:59:59.999-01:00"))).toBe("20240301005959");
  });
});

describe("newMigration", () => {
  it("creates <timestamp>_<name>.sql with up and down sections in an empty plain project", async () => {
    const project = await loadProject({ dir, environment: {} });
    const result = await newMigration(project, "add_users_email", now);
    expect(result).toEqual({ version: "20251014220509", files: [join("migrations", "20251014220509_add_users_email.sql")] });
    expect(await readFile(join(dir, "migrations", "20251014220509_add_users_email.sql"), "utf8")).toBe(
      "-- migrate:up\n-- Write the change here.\n\n-- migrate:down\n-- Write here how to undo it.\n",
    );
  });

  it("turns a free-form name into snake case", async () => {
    const project = await loadProject({ dir, environment: {} });
    const result = await newMigration(project, "  Add Users: Email-Index!  ", now);
    expect(result.files).toEqual([join("migrations", "20251014220509_add_users_email_index.sql")]);
  });

  it("creates .up.sql and .down.sql in a golang-migrate project", async () => {
    await mkdir(join(dir, "migrations"));
    await writeFile(join(dir, "migrations", "000001_init.up.sql"), "CREATE TABLE t (id int);\n");
    await writeFile(join(dir, "migrations", "000001_init.down.sql"), "DROP TABLE t;\n");
    const project = await loadProject({ dir, environment: {} });
    const result = await newMigration(project, "add_index", now);
    expect(result).toEqual({
      version: "20251014220509",
      files: [join("migrations", "20251014220509_add_index.up.sql"), join("migrations", "20251014220509_add_index.down.sql")],
    });
    expect(await readFile(join(dir, "migrations", "20251014220509_add_index.up.sql"), "utf8")).toBe("-- Write the change here.\n");
    expect(await readFile(join(dir, "migrations", "20251014220509_add_index.down.sql"), "utf8")).toBe("-- Write here how to undo it.\n");
  });

  it("follows the format set in drydock.toml, in the configured folder", async () => {
    await writeFile(join(dir, "drydock.toml"), '[project]\nmigrations = "db/migrations"\nformat = "golang-migrate"\n');
    const project = await loadProject({ dir, environment: {} });
    const result = await newMigration(project, "init", now);
    expect(result.files).toEqual([
      join("db", "migrations", "20251014220509_init.up.sql"),
      join("db", "migrations", "20251014220509_init.down.sql"),
    ]);
    expect((await readdir(join(dir, "db", "migrations"))).sort()).toEqual(["20251014220509_init.down.sql", "20251014220509_init.up.sql"]);
  });

  it("creates V and U files in a Flyway project", async () => {
    await writeFile(join(dir, "drydock.toml"), '[project]\nformat = "flyway"\n');
    const project = await loadProject({ dir, environment: {} });
    expect((await newMigration(project, "add_orders", now)).files).toEqual([
      join("migrations", "V20251014220509__add_orders.sql"),
      join("migrations", "U20251014220509__add_orders.sql"),
    ]);
  });

  it.each(["", "   ", "!!!", "--"])("refuses the name %j", async (name) => {
    const project = await loadProject({ dir, environment: {} });
    const error = await newMigration(project, name, now).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`"${name}" is not a usable migration name`);
    expect((error as InputError).details.hint).toBe("Use letters and digits, e.g. drydock new add_users_email");
  });

  it("refuses to overwrite a migration created in the same second", async () => {
    const project = await loadProject({ dir, environment: {} });
    await newMigration(project, "same", now);
    await writeFile(join(dir, "migrations", "20251014220509_same.sql"), "-- migrate:up\nSELECT 1;\n");
    await expect(newMigration(project, "same", now)).rejects.toThrow(
      `${join(dir, "migrations", "20251014220509_same.sql")} already exists`,
    );
    expect(await readFile(join(dir, "migrations", "20251014220509_same.sql"), "utf8")).toBe("-- migrate:up\nSELECT 1;\n");
  });

  it("refuses a Sqitch project with the command to use", async () => {
    await writeFile(join(dir, "drydock.toml"), '[project]\nformat = "sqitch"\n');
    const project = await loadProject({ dir, environment: {} });
    const error = await newMigration(project, "add_users", now).catch((caught: unknown) => caught);
    expect((error as InputError).message).toBe("this project's migrations are managed by sqitch");
    expect((error as InputError).details.hint).toBe("Create the change with: sqitch add <name>");
  });
});

describe("writeMigration", () => {
  it("writes the given up and down in the project's format", async () => {
    const project = await loadProject({ dir, environment: {} });
    const result = await writeMigration(project, "bridge_prod", { up: "CREATE TABLE t (id int);\n", down: "DROP TABLE t;\n" }, now);
    expect(result.files).toEqual([join("migrations", "20251014220509_bridge_prod.sql")]);
    expect(await readFile(join(dir, result.files[0] ?? ""), "utf8")).toBe(
      "-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABLE t;\n",
    );
  });

  it("writes no down part when there is none", async () => {
    await writeFile(join(dir, "drydock.toml"), '[project]\nformat = "golang-migrate"\n');
    const project = await loadProject({ dir, environment: {} });
    const result = await writeMigration(project, "bridge", { up: "SELECT 1;\n", down: null }, now);
    expect(result.files).toEqual([join("migrations", "20251014220509_bridge.up.sql")]);
    expect(await readdir(join(dir, "migrations"))).toEqual(["20251014220509_bridge.up.sql"]);
  });
});
