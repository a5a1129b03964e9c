import path from "node:path";
import { InputError } from "../../errors/drydock-error.js";
import type { Migration } from "../../model/migration.js";
import { compareVersions } from "../compare-versions.js";
import { unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, fileExists, isSqlFile, listFolder } from "../format-context.js";
import { orderMigrations } from "../order-migrations.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";

/**
 * graphile-migrate committed migrations: `committed/<NNNNNN>[-<message>].sql`, in numeric order
 * (https://github.com/graphile/migrate#committed-migrations). The `--! Previous:` / `--! Hash:`
 * header lines are SQL comments and stay in the script; a `--! no-transaction` header makes it
 * non-transactional, as graphile-migrate does. `current.sql` (work in progress, not committed)
 * and the other files at the top of the folder are not migrations. There are no down migrations.
 */
export async function readGraphileMigrateMigrations(context: FormatContext): Promise<Migration[]> {
  const committed = path.join(context.migrationsDir, "committed");
  if (!(await fileExists(committed))) {
    throw new InputError(`graphile-migrate folder ${relativeFile(context.projectRoot, committed)} does not exist`, {
      hint: "Point project.migrations at the folder that holds committed/, or set project.format.",
    });
  }
  const migrations: Migration[] = [];
  for (const entry of await listFolder(committed)) {
    if (!isSqlFile(entry)) continue;
    const absolutePath = path.join(committed, entry.name);
    const match = /^(\d+)(?:-([^.]*))?\.sql$/.exec(entry.name);
    if (!match) throw unexpectedFileError(relativeFile(context.projectRoot, absolutePath), "graphile-migrate", "committed/<NNNNNN>.sql");
    const text = await readMigrationFile(absolutePath, context.projectRoot, context.preloaded);
    migrations.push({
      version: match[1] ?? "",
      name: match[2] ?? "",
      kind: "versioned",
      format: "graphile-migrate",
      up: createScript({
        file: text.file,
        sql: text.source,
        variables: context.variables,
        formatAllowsTransaction: !hasNoTransactionHeader(text.source),
      }),
      down: null,
      checksum: text.checksum,
    });
  }
  return orderMigrations(migrations, compareVersions);
}

/** graphile-migrate headers are the `--! ` lines at the very top of the file. */
function hasNoTransactionHeader(source: string): boolean {
  for (const line of source.split("\n")) {
    if (!line.startsWith("--!")) return false;
    if (/^--!\s*no-transaction\s*$/i.test(line)) return true;
  }
  return false;
}
