import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { initProject } from "./init-project.js";
import { loadProject } from "./load-project.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "drydock-init-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("initProject", () => {
  it("writes drydock.toml and migrations/ in an empty folder", async () => {
    const result = await initProject(dir);
    expect(result).toEqual({
      config_file: join(dir, "drydock.toml"),
      migrations: "migrations",
      detected: null,
      created_migrations_dir: true,
      adopt_from: [],
    });
    expect((await stat(join(dir, "migrations"))).isDirectory()).toBe(true);
    const text = await readFile(join(dir, "drydock.toml"), "utf8");
    expect(text).toContain('migrations = "migrations"');
    expect(text).not.toContain("preset");
  });

  it("writes a configuration that loads with the defaults of SPEC §8", async () => {
    await initProject(dir);
    const project = await loadProject({ dir, environment: {} });
    expect(project.configFile).toBe(join(dir, "drydock.toml"));
    expect(project.migrationsDir).toBe(join(dir, "migrations"));
    expect(project.config.project).toMatchObject({ migrations: "migrations", format: "auto", schemas: ["public"], preset: "" });
    expect(project.config.apply).toMatchObject({ lock_timeout: "3s", lock_retries: 5, lock_wait: "60s", statement_timeout: "0" });
    expect(project.config.env).toEqual({});
  });

  it("points at supabase/migrations and sets the supabase preset", async () => {
    await mkdir(join(dir, "supabase", "migrations"), { recursive: true });
    await writeFile(join(dir, "supabase", "migrations", "20240101000000_init.sql"), "CREATE TABLE t (id int);\n");
    const result = await initProject(dir);
    expect(result).toMatchObject({
      migrations: "supabase/migrations",
      detected: "supabase",
      created_migrations_dir: false,
      adopt_from: ["supabase"],
    });
    expect(existsSync(join(dir, "migrations"))).toBe(false);
    const project = await loadProject({ dir, environment: {} });
    expect(project.config.project.preset).toBe("supabase");
    expect(project.migrationsDir).toBe(join(dir, "supabase", "migrations"));
  });

  it("prefers supabase/migrations over a migrations/ folder", async () => {
    await mkdir(join(dir, "supabase", "migrations"), { recursive: true });
    await mkdir(join(dir, "migrations"));
    expect(await initProject(dir)).toMatchObject({ migrations: "supabase/migrations", detected: "supabase" });
  });

  it("points at prisma/migrations without a preset", async () => {
    await mkdir(join(dir, "prisma", "migrations"), { recursive: true });
    expect(await initProject(dir)).toMatchObject({
      migrations: "prisma/migrations",
      detected: "prisma",
      created_migrations_dir: false,
      adopt_from: ["prisma"],
    });
    expect((await loadProject({ dir, environment: {} })).config.project.preset).toBe("");
  });

  it("points at a Flyway sql/ folder only when it holds Flyway scripts", async () => {
    await mkdir(join(dir, "sql"));
    await writeFile(join(dir, "sql", "notes.sql"), "SELECT 1;\n");
    expect(await initProject(dir)).toMatchObject({ migrations: "migrations", detected: null, created_migrations_dir: true });

    await rm(join(dir, "drydock.toml"));
    await rm(join(dir, "migrations"), { recursive: true });
    await writeFile(join(dir, "sql", "V1__init.sql"), "CREATE TABLE t (id int);\n");
    expect(await initProject(dir)).toMatchObject({
      migrations: "sql",
      detected: "flyway",
      created_migrations_dir: false,
      adopt_from: ["flyway"],
    });
  });

  it("keeps an existing migrations/ folder", async () => {
    await mkdir(join(dir, "migrations"));
    await writeFile(join(dir, "migrations", "0001_init.sql"), "CREATE TABLE t (id int);\n");
    expect(await initProject(dir)).toMatchObject({ migrations: "migrations", detected: null, created_migrations_dir: false });
    expect(await readFile(join(dir, "migrations", "0001_init.sql"), "utf8")).toBe("CREATE TABLE t (id int);\n");
  });

  it("refuses to overwrite drydock.toml", async () => {
    await writeFile(join(dir, "drydock.toml"), "# mine\n");
    const error = await initProject(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${join(dir, "drydock.toml")} already exists`);
    expect((error as InputError).details.hint).toBe("Edit it, or remove it and run drydock init again.");
    expect(await readFile(join(dir, "drydock.toml"), "utf8")).toBe("# mine\n");
    expect(existsSync(join(dir, "migrations"))).toBe(false);
  });
});
