import path from "node:path";
import { InputError } from "../../errors/drydock-error.js";
import type { Migration } from "../../model/migration.js";
import { unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, fileExists, isSqlFile, listFolder } from "../format-context.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";

/**
 * Prisma Migrate folders: `<timestamp>_<name>/migration.sql`, applied in folder-name order
 * (https://www.prisma.io/docs/orm/prisma-migrate/understanding-prisma-migrate/migration-histories).
 * Prisma identifies a migration by its whole folder name (langfuse has several folders sharing a
 * timestamp), so `version` is the folder name and `name` the part after the first `_`. Prisma
 * has no down migrations. `migration_lock.toml` and other non-SQL files are ignored; a folder
 * without `migration.sql` is an error, as in Prisma (P3015).
 */
export async function readPrismaMigrations(context: FormatContext): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const entry of await listFolder(context.migrationsDir)) {
    const entryPath = path.join(context.migrationsDir, entry.name);
    if (isSqlFile(entry)) {
      throw unexpectedFileError(relativeFile(context.projectRoot, entryPath), "prisma", "<timestamp>_<name>/migration.sql");
    }
    if (!entry.isDirectory()) continue;
    const scriptPath = path.join(entryPath, "migration.sql");
    if (!(await fileExists(scriptPath))) {
      throw new InputError(`Prisma migration folder ${relativeFile(context.projectRoot, entryPath)} has no migration.sql`, {
        hint: "Restore its migration.sql, or delete the folder if the migration was never applied anywhere.",
      });
    }
    const text = await readMigrationFile(scriptPath, context.projectRoot, context.preloaded);
    migrations.push({
      version: entry.name,
      name: entry.name.includes("_") ? entry.name.slice(entry.name.indexOf("_") + 1) : "",
      kind: "versioned",
      format: "prisma",
      up: createScript({ file: text.file, sql: text.source, variables: context.variables }),
      down: null,
      checksum: text.checksum,
    });
  }
  return migrations; // listFolder already sorted the folders by name
}
