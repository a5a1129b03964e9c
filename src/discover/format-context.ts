import type { Dirent } from "node:fs";
import { existsSync, readdirSync } from "node:fs";
import { InputError } from "../errors/drydock-error.js";
import type { Migration, MigrationScript } from "../model/migration.js";
import { compareCodePoints } from "./compare-versions.js";
import { substituteVariables } from "./substitute-variables.js";

/** What every format reader gets: where the project and its migrations are, and the variables. */
export interface FormatContext {
  /** Absolute; script files are reported relative to it. */
  projectRoot: string;
  /** Absolute path of the migrations folder, known to exist. */
  migrationsDir: string;
  variables: Record<string, string>;
  /** Bytes already read by format detection, by absolute path: each file is read once. */
  preloaded?: ReadonlyMap<string, Uint8Array>;
}

/** Reads one format's folder and returns its migrations in forward apply order. */
export type FormatReader = (context: FormatContext) => Promise<Migration[]>;

/**
 * The entries of a folder sorted by name (code point order, independent of locale and of the
 * order the file system returns). Hidden entries (`.gitkeep`, `.DS_Store`) are skipped, as every
 * supported tool ignores them.
 */
export async function listFolder(folder: string): Promise<Dirent[]> {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot list folder ${folder} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      hint: "Check that the folder exists and is readable by the user running drydock.",
      cause: error,
    });
  }
  return entries.filter((entry) => !entry.name.startsWith(".")).sort((a, b) => compareCodePoints(a.name, b.name));
}

/** A file (or a link to one) with a `.sql` extension: the only entries that can be migrations. */
export function isSqlFile(entry: Dirent): boolean {
  return (entry.isFile() || entry.isSymbolicLink()) && /\.sql$/i.test(entry.name);
}

/** Whether a path exists (optional companion files: diesel's down.sql, Sqitch revert scripts). */
export async function fileExists(filePath: string): Promise<boolean> {
  return existsSync(filePath);
}

export interface CreateScriptOptions {
  file: string;
  /** The script text with the file's line structure (see {@link MigrationScript.sql}). */
  sql: string;
  variables: Record<string, string>;
  formatAllowsTransaction?: boolean;
}

/** Builds a {@link MigrationScript}, substituting `[project.variables]` placeholders psql-style. */
export function createScript(options: CreateScriptOptions): MigrationScript {
  return {
    file: options.file,
    sql: substituteVariables(options.sql, options.variables, options.file),
    formatAllowsTransaction: options.formatAllowsTransaction ?? true,
  };
}
