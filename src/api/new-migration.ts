import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { InputError } from "../errors/drydock-error.js";
import type { MigrationFormat } from "../model/migration.js";
import type { Project } from "../model/project.js";

export interface NewMigrationResult {
  version: string;
  files: string[];
}

/** `YYYYMMDDHHMMSS` in UTC: sorts by creation and never collides within a team's day-to-day use. */
export function utcTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** What a new migration holds; `down: null` writes no down part. */
export interface MigrationContent {
  up: string;
  down: string | null;
}

const placeholder: MigrationContent = { up: "-- Write the change here.\n", down: "-- Write here how to undo it.\n" };

/**
 * Creates an empty migration named `<UTC timestamp>_<name>` in the project's format, with a
 * place for its down migration. Formats whose own tool owns file creation (Sqitch,
 * graphile-migrate) are refused with the command to use instead.
 */
export async function newMigration(project: Project, rawName: string, now: Date = new Date()): Promise<NewMigrationResult> {
  return writeMigration(project, rawName, placeholder, now);
}

/**
 * Writes a migration named `<UTC timestamp>_<name>` in the project's format with the given up
 * and down SQL (`drydock drift --write-bridge`); `newMigration` with content. Refuses to
 * overwrite a file and the formats whose own tool owns file creation, as `newMigration` does.
 */
export async function writeMigration(
  project: Project,
  rawName: string,
  content: MigrationContent,
  now: Date = new Date(),
): Promise<NewMigrationResult> {
  const name = rawName
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (name === "") {
    throw new InputError(`"${rawName}" is not a usable migration name`, {
      hint: "Use letters and digits, e.g. drydock new add_users_email",
    });
  }
  if (!existsSync(project.migrationsDir)) await mkdir(project.migrationsDir, { recursive: true });
  const format = await projectFormat(project);
  const version = utcTimestamp(now);
  const base = `${version}_${name}`;
  const files = filesFor(format, base, version, name, content);
  const taken = Object.keys(files).find((path) => existsSync(join(project.migrationsDir, path)));
  if (taken) throw new InputError(`${join(project.migrationsDir, taken)} already exists`, { hint: "Wait a second or pick another name." });
  for (const [path, text] of Object.entries(files)) {
    const full = join(project.migrationsDir, path);
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, text, "utf8");
  }
  return { version, files: Object.keys(files).map((path) => relative(project.root, join(project.migrationsDir, path))) };
}

async function projectFormat(project: Project): Promise<MigrationFormat> {
  if (project.config.project.format !== "auto") return project.config.project.format;
  const found = await discoverMigrations({ projectRoot: project.root, migrationsDir: project.migrationsDir, format: "auto" });
  return found.migrations.length === 0 ? "plain" : found.format;
}

function filesFor(format: MigrationFormat, base: string, version: string, name: string, content: MigrationContent): Record<string, string> {
  const { up, down } = content;
  const section = (marker: string) => (down === null ? "" : `\n${marker}\n${down}`);
  const file = (path: string) => (down === null ? {} : { [path]: down });
  switch (format) {
    case "plain":
    case "dbmate":
      return { [`${base}.sql`]: `-- migrate:up\n${up}${section("-- migrate:down")}` };
    case "golang-migrate":
      return { [`${base}.up.sql`]: up, ...file(`${base}.down.sql`) };
    case "flyway":
      return { [`V${version}__${name}.sql`]: up, ...file(`U${version}__${name}.sql`) };
    case "prisma":
      return { [`${base}/migration.sql`]: up };
    case "diesel":
      return { [`${base}/up.sql`]: up, ...file(`${base}/down.sql`) };
    case "goose":
      return { [`${base}.sql`]: `-- +goose Up\n${up}${section("-- +goose Down")}` };
    case "sql-migrate":
      return { [`${base}.sql`]: `-- +migrate Up\n${up}${section("-- +migrate Down")}` };
    case "sqitch":
    case "graphile-migrate":
      throw new InputError(`this project's migrations are managed by ${format}`, {
        hint: format === "sqitch" ? "Create the change with: sqitch add <name>" : "Write current.sql and run: graphile-migrate commit",
      });
  }
}
