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

/**
 * Creates an empty migration named `<UTC timestamp>_<name>` in the project's format, with a
 * place for its down migration. Formats whose own tool owns file creation (Sqitch,
 * graphile-migrate) are refused with the command to use instead.
 */
export async function newMigration(project: Project, rawName: string, now: Date = new Date()): Promise<NewMigrationResult> {
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
  const files = filesFor(format, base, version, name);
  for (const [path, content] of Object.entries(files)) {
    const full = join(project.migrationsDir, path);
    if (existsSync(full)) throw new InputError(`${full} already exists`, { hint: "Wait a second or pick another name." });
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, content, "utf8");
  }
  return { version, files: Object.keys(files).map((path) => relative(project.root, join(project.migrationsDir, path))) };
}

async function projectFormat(project: Project): Promise<MigrationFormat> {
  if (project.config.project.format !== "auto") return project.config.project.format;
  const found = await discoverMigrations({ projectRoot: project.root, migrationsDir: project.migrationsDir, format: "auto" });
  return found.migrations.length === 0 ? "plain" : found.format;
}

function filesFor(format: MigrationFormat, base: string, version: string, name: string): Record<string, string> {
  const up = "-- Write the change here.\n";
  const down = "-- Write here how to undo it.\n";
  switch (format) {
    case "plain":
    case "dbmate":
      return { [`${base}.sql`]: `-- migrate:up\n${up}\n-- migrate:down\n${down}` };
    case "golang-migrate":
      return { [`${base}.up.sql`]: up, [`${base}.down.sql`]: down };
    case "flyway":
      return { [`V${version}__${name}.sql`]: up, [`U${version}__${name}.sql`]: down };
    case "prisma":
      return { [`${base}/migration.sql`]: up };
    case "diesel":
      return { [`${base}/up.sql`]: up, [`${base}/down.sql`]: down };
    case "goose":
      return { [`${base}.sql`]: `-- +goose Up\n${up}\n-- +goose Down\n${down}` };
    case "sql-migrate":
      return { [`${base}.sql`]: `-- +migrate Up\n${up}\n-- +migrate Down\n${down}` };
    case "sqitch":
    case "graphile-migrate":
      throw new InputError(`this project's migrations are managed by ${format}`, {
        hint: format === "sqitch" ? "Create the change with: sqitch add <name>" : "Write current.sql and run: graphile-migrate commit",
      });
  }
}
