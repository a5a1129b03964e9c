import path from "node:path";
import type { Migration } from "../../model/migration.js";
import { compareVersions } from "../compare-versions.js";
import { unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, isSqlFile, listFolder } from "../format-context.js";
import { orderMigrations } from "../order-migrations.js";
import { parseVersionedName } from "../parse-versioned-name.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";
import { splitSections } from "../split-sections.js";

export interface ReadSectionedMigrationsOptions {
  format: "goose" | "dbmate";
  dialect: "goose" | "dbmate";
}

/**
 * Reads a flat folder of `<version>_<name>.sql` files that each hold both directions in marker
 * sections (goose, dbmate). The up and down scripts both point at the same file; each keeps the
 * file's line numbers with the other direction blanked. Non-SQL files (goose's `.go` migrations,
 * READMEs) are skipped. Ordered by version value; duplicates are errors, as in both tools.
 */
export async function readSectionedMigrations(context: FormatContext, options: ReadSectionedMigrationsOptions): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const entry of await listFolder(context.migrationsDir)) {
    if (!isSqlFile(entry)) continue;
    const absolutePath = path.join(context.migrationsDir, entry.name);
    const parsed = parseVersionedName(entry.name);
    if (!parsed || parsed.direction !== null) {
      throw unexpectedFileError(relativeFile(context.projectRoot, absolutePath), options.format, "<version>_<name>.sql");
    }
    const text = await readMigrationFile(absolutePath, context.projectRoot, context.preloaded);
    const sections = splitSections(text.source, options.dialect, text.file);
    const { variables } = context;
    migrations.push({
      version: parsed.version,
      name: parsed.name,
      kind: "versioned",
      format: options.format,
      up: createScript({ file: text.file, variables, ...sections.up }),
      down: sections.down ? createScript({ file: text.file, variables, ...sections.down }) : null,
      checksum: text.checksum,
    });
  }
  return orderMigrations(migrations, compareVersions);
}
