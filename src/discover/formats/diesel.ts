import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { InputError } from "../../errors/drydock-error.js";
import type { Migration } from "../../model/migration.js";
import { compareCodePoints } from "../compare-versions.js";
import { unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, fileExists, isSqlFile, listFolder } from "../format-context.js";
import { orderMigrations } from "../order-migrations.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";

const expected = "<version>_<name>/up.sql";

/**
 * diesel migrations: `<version>_<name>/up.sql` with an optional `down.sql` beside it
 * (https://diesel.rs/guides/getting-started). As in diesel, the version is the folder name up to
 * the first `_` with every `-` removed (`2024-10-25-112826_x` is "20241025112826"), and versions
 * are ordered as strings, not as numbers: crates.io's 18-digit `2025-11-19-091444-0000_…`
 * versions sort between the 14-digit ones by their leading characters, and diesel (and the
 * crates-io corpus set) apply them in that order. Identical version strings are an error.
 * `metadata.toml` with `run_in_transaction = false` makes both scripts non-transactional.
 */
export async function readDieselMigrations(context: FormatContext): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const entry of await listFolder(context.migrationsDir)) {
    const folder = path.join(context.migrationsDir, entry.name);
    const folderFile = relativeFile(context.projectRoot, folder);
    if (isSqlFile(entry)) throw unexpectedFileError(folderFile, "diesel", expected);
    if (!entry.isDirectory()) continue;
    const match = /^(\d[\d-]*)(?:_(.*))?$/.exec(entry.name);
    if (!match) throw unexpectedFileError(`${folderFile}/`, "diesel", expected);
    const upPath = path.join(folder, "up.sql");
    if (!(await fileExists(upPath))) {
      throw new InputError(`diesel migration folder ${folderFile} has no up.sql`, {
        hint: "Restore its up.sql, or delete the folder if the migration was never applied anywhere.",
      });
    }
    const downPath = path.join(folder, "down.sql");
    const formatAllowsTransaction = await runsInTransaction(path.join(folder, "metadata.toml"), context.projectRoot);
    const { variables } = context;
    const upText = await readMigrationFile(upPath, context.projectRoot, context.preloaded);
    const downText = (await fileExists(downPath)) ? await readMigrationFile(downPath, context.projectRoot, context.preloaded) : null;
    migrations.push({
      version: (match[1] ?? "").replace(/-/g, ""),
      name: match[2] ?? "",
      kind: "versioned",
      format: "diesel",
      up: createScript({ file: upText.file, sql: upText.source, variables, formatAllowsTransaction }),
      down: downText ? createScript({ file: downText.file, sql: downText.source, variables, formatAllowsTransaction }) : null,
      checksum: upText.checksum,
    });
  }
  return orderMigrations(migrations, compareCodePoints);
}

/** diesel's `metadata.toml`: `run_in_transaction = false` opts the migration out of its transaction. */
async function runsInTransaction(metadataPath: string, projectRoot: string): Promise<boolean> {
  if (!(await fileExists(metadataPath))) return true;
  const file = relativeFile(projectRoot, metadataPath);
  try {
    const metadata = parseToml(await readFile(metadataPath, "utf8"));
    return metadata.run_in_transaction !== false;
  } catch (error) {
    throw new InputError(`cannot read diesel metadata ${file}: ${(error as Error).message.split("\n")[0]}`, {
      hint: "Fix the TOML; diesel expects e.g. run_in_transaction = false",
      cause: error,
    });
  }
}
