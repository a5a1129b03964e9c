import { stat } from "node:fs/promises";
import { InputError } from "../errors/drydock-error.js";
import { type Migration, type MigrationFormat, migrationFormats } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { detectFormat } from "./detect-format.js";
import type { FormatReader } from "./format-context.js";
import { readDbmateMigrations } from "./formats/dbmate.js";
import { readDieselMigrations } from "./formats/diesel.js";
import { readFlywayMigrations } from "./formats/flyway.js";
import { readGolangMigrateMigrations } from "./formats/golang-migrate.js";
import { readGooseMigrations } from "./formats/goose.js";
import { readGraphileMigrateMigrations } from "./formats/graphile-migrate.js";
import { readPlainMigrations } from "./formats/plain.js";
import { readPrismaMigrations } from "./formats/prisma.js";
import { readSqitchMigrations } from "./formats/sqitch.js";
import { readSqlMigrateMigrations } from "./formats/sql-migrate.js";
import { relativeFile } from "./read-migration-file.js";

export interface DiscoverOptions {
  /** Absolute; script `file` paths are relative to it, with `/` separators. */
  projectRoot: string;
  /** Absolute path of the migrations folder (`project.migrations`). */
  migrationsDir: string;
  /** `project.format`; default "auto": detected from the folder's layout. */
  format?: MigrationFormat | "auto";
  /** psql-style placeholders from `[project.variables]`. */
  variables?: Record<string, string>;
}

export interface Discovery {
  /** The format used: the one asked for, or the detected one. */
  format: MigrationFormat;
  /** In forward apply order. Rollback order is the reverse, restricted to those with a `down`. */
  migrations: Migration[];
}

const readers: Record<MigrationFormat, FormatReader> = {
  plain: readPlainMigrations,
  dbmate: readDbmateMigrations,
  "golang-migrate": readGolangMigrateMigrations,
  flyway: readFlywayMigrations,
  prisma: readPrismaMigrations,
  diesel: readDieselMigrations,
  goose: readGooseMigrations,
  "sql-migrate": readSqlMigrateMigrations,
  sqitch: readSqitchMigrations,
  "graphile-migrate": readGraphileMigrateMigrations,
};

/**
 * Finds the migrations of a project (SPEC §3): detects or takes the format, reads every
 * migration file as UTF-8, cuts sectioned files into up and down scripts that keep the file's
 * line numbers, substitutes `[project.variables]`, computes checksums, and returns the
 * migrations in the order the format's own tool applies them (the corpus sets in
 * `shared/corpus/` are the reference). An empty folder gives zero migrations; a missing folder,
 * a duplicate version, a file name that fits no pattern of the format, a down without an up,
 * or an unreadable or non-UTF-8 file is an {@link InputError} naming the file(s).
 */
export async function discoverMigrations(options: DiscoverOptions): Promise<Discovery> {
  const { projectRoot, migrationsDir } = options;
  await assertFolder(projectRoot, migrationsDir);
  const requested = options.format ?? "auto";
  if (requested !== "auto" && !migrationFormats.includes(requested)) {
    throw new InputError(`unknown migration format "${requested}"`, {
      hint: `Set project.format to "auto" or one of: ${migrationFormats.join(", ")}.`,
    });
  }
  const preloaded = new Map<string, Uint8Array>();
  const format = requested === "auto" ? await detectFormat(migrationsDir, preloaded) : requested;
  const migrations = await readers[format]({ projectRoot, migrationsDir, variables: options.variables ?? {}, preloaded });
  return { format, migrations };
}

async function assertFolder(projectRoot: string, migrationsDir: string): Promise<void> {
  const shown = relativeFile(projectRoot, migrationsDir) || ".";
  let isFolder: boolean;
  try {
    isFolder = (await stat(migrationsDir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    throw new InputError(`migrations folder ${shown} ${problem}`, {
      hint: "Run `drydock init` to create one, or set project.migrations in drydock.toml to the folder that holds your migrations.",
      cause: error,
    });
  }
  if (!isFolder) {
    throw new InputError(`migrations folder ${shown} is not a folder`, {
      hint: "Set project.migrations in drydock.toml to the folder that holds your migrations.",
    });
  }
}

/** The migrations of a project, as its drydock.toml configures them (folder, format, variables). */
export function discoverProjectMigrations(project: Project): Promise<Discovery> {
  return discoverMigrations({
    projectRoot: project.root,
    migrationsDir: project.migrationsDir,
    format: project.config.project.format,
    variables: project.config.project.variables,
  });
}
