import path from "node:path";
import type { Migration } from "../../model/migration.js";
import { compareCodePoints, compareVersions } from "../compare-versions.js";
import { unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, isSqlFile, listFolder } from "../format-context.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";
import { splitSections } from "../split-sections.js";

/**
 * sql-migrate migrations: `<number>_<name>.sql` with `-- +migrate Up` / `-- +migrate Down`
 * sections, each optionally followed by `notransaction` (that direction runs outside a
 * transaction). https://github.com/rubenv/sql-migrate#writing-migrations
 *
 * sql-migrate identifies a migration by its file name, not by its number: two files may share a
 * number (stellar/go has `39_claimable_balances.sql` and `39_history_trades_indices.sql`), and it
 * orders them by the number's value, then by file name. drydock does the same, and the `version`
 * recorded in history is therefore the file name without `.sql` ("39_claimable_balances"), which
 * keeps both files and keeps history unique. (sql-migrate's own `gorp_migrations.id` holds the
 * name with `.sql`; an import of that table appends it.) Unlike sql-migrate, a file that does not
 * start with a number is an error rather than sorted after the numbered ones.
 */
export async function readSqlMigrateMigrations(context: FormatContext): Promise<Migration[]> {
  const found: { migration: Migration; number: string; fileName: string }[] = [];
  for (const entry of await listFolder(context.migrationsDir)) {
    if (!isSqlFile(entry)) continue;
    const absolutePath = path.join(context.migrationsDir, entry.name);
    const match = /^(\d+)[_.-]?(.*)\.sql$/i.exec(entry.name);
    if (!match) {
      throw unexpectedFileError(relativeFile(context.projectRoot, absolutePath), "sql-migrate", "<number>_<name>.sql");
    }
    const text = await readMigrationFile(absolutePath, context.projectRoot, context.preloaded);
    const sections = splitSections(text.source, "sql-migrate", text.file);
    const { variables } = context;
    const migration: Migration = {
      version: entry.name.replace(/\.sql$/i, ""),
      name: match[2] ?? "",
      kind: "versioned",
      format: "sql-migrate",
      up: createScript({ file: text.file, variables, ...sections.up }),
      down: sections.down ? createScript({ file: text.file, variables, ...sections.down }) : null,
      checksum: text.checksum,
    };
    found.push({ migration, number: match[1] ?? "", fileName: entry.name });
  }
  found.sort((a, b) => compareVersions(a.number, b.number) || compareCodePoints(a.fileName, b.fileName));
  return found.map((item) => item.migration);
}
