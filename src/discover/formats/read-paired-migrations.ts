import path from "node:path";
import { InputError } from "../../errors/drydock-error.js";
import type { Migration } from "../../model/migration.js";
import { compareVersions, versionKey } from "../compare-versions.js";
import { downWithoutUpError, duplicateVersionError, unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, isSqlFile, listFolder } from "../format-context.js";
import { orderMigrations } from "../order-migrations.js";
import { parseVersionedName, type VersionedName } from "../parse-versioned-name.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";
import { hasSectionMarkers, splitSections } from "../split-sections.js";

export interface ReadPairedMigrationsOptions {
  format: "plain" | "golang-migrate";
  /** The file name pattern shown when a `.sql` file does not match. */
  expected: string;
  /** golang-migrate: every file must end in `.up.sql` or `.down.sql`. */
  isDirectionRequired: boolean;
  /** plain: an up file may carry a `-- migrate:down` section instead of a `.down.sql` sibling. */
  allowsSections: boolean;
}

interface FoundFile extends VersionedName {
  absolutePath: string;
  file: string;
}

/**
 * Reads a flat folder of `<version>_<name>[.up|.down].sql` files (plain/Supabase and
 * golang-migrate). Up and down files pair by version value, so `0003_x.down.sql` belongs to
 * `3_x.sql` even if the names differ; a down file with no up is an error, as golang-migrate
 * reports it. Sub-folders (drizzle's `meta/`) and non-SQL files are not migrations and are
 * skipped. Migrations are ordered by `compareVersions`.
 */
export async function readPairedMigrations(context: FormatContext, options: ReadPairedMigrationsOptions): Promise<Migration[]> {
  const groups = new Map<string, { up?: FoundFile; down?: FoundFile }>();
  for (const entry of await listFolder(context.migrationsDir)) {
    if (!isSqlFile(entry)) continue;
    const absolutePath = path.join(context.migrationsDir, entry.name);
    const file = relativeFile(context.projectRoot, absolutePath);
    const parsed = parseVersionedName(entry.name);
    if (!parsed || (options.isDirectionRequired && parsed.direction === null)) {
      throw unexpectedFileError(file, options.format, options.expected);
    }
    const key = versionKey(parsed.version);
    const group = groups.get(key) ?? {};
    groups.set(key, group);
    const slot = parsed.direction === "down" ? "down" : "up";
    const existing = group[slot];
    if (existing) throw duplicateVersionError(existing, { version: parsed.version, file });
    group[slot] = { ...parsed, absolutePath, file };
  }

  const migrations: Migration[] = [];
  for (const { up, down } of groups.values()) {
    if (!up) {
      const orphan = down as FoundFile;
      const expectedUp = options.isDirectionRequired ? `${orphan.version}_<name>.up.sql` : `${orphan.version}_<name>.sql`;
      throw downWithoutUpError(orphan.file, expectedUp);
    }
    migrations.push(await readPair(context, options, up, down));
  }
  return orderMigrations(migrations, compareVersions);
}

async function readPair(
  context: FormatContext,
  options: ReadPairedMigrationsOptions,
  up: FoundFile,
  down: FoundFile | undefined,
): Promise<Migration> {
  const { variables } = context;
  const upText = await readMigrationFile(up.absolutePath, context.projectRoot, context.preloaded);
  const dialect = options.allowsSections ? sectionDialectOf(upText.source) : null;
  const sections = dialect ? splitSections(upText.source, dialect, up.file, { isUpImplicit: true }) : null;
  if (sections?.down && down) {
    const marker = dialect === "dbmate" ? "-- migrate:down" : "-- Down Migration";
    throw new InputError(`${up.file} has a "${marker}" section and a separate down file ${down.file}`, {
      hint: "Keep one of the two down migrations.",
    });
  }
  let downScript = sections?.down ? createScript({ file: up.file, variables, ...sections.down }) : null;
  if (down) {
    const downText = await readMigrationFile(down.absolutePath, context.projectRoot, context.preloaded);
    downScript = createScript({ file: down.file, sql: downText.source, variables });
  }
  return {
    version: up.version,
    name: up.name,
    kind: "versioned",
    format: options.format,
    up: createScript({ file: up.file, variables, ...(sections?.up ?? { sql: upText.source }) }),
    down: downScript,
    checksum: upText.checksum,
  };
}

/**
 * The sections a plain file may hold: dbmate's `-- migrate:up`/`-- migrate:down`, or the
 * `-- Up Migration`/`-- Down Migration` comments of node-pg-migrate's SQL files; null for none.
 */
function sectionDialectOf(source: string): "dbmate" | "node-pg-migrate" | null {
  if (hasSectionMarkers(source, "dbmate")) return "dbmate";
  if (hasSectionMarkers(source, "node-pg-migrate")) return "node-pg-migrate";
  return null;
}
