import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Migration } from "../../model/migration.js";
import { compareCodePoints, compareVersions, versionKey } from "../compare-versions.js";
import { downWithoutUpError, duplicateVersionError, unexpectedFileError } from "../discover-errors.js";
import { createScript, type FormatContext, isSqlFile } from "../format-context.js";
import { orderMigrations } from "../order-migrations.js";
import { readMigrationFile, relativeFile } from "../read-migration-file.js";

interface FlywayFile {
  prefix: "V" | "U" | "R";
  /** Dotted version ("2.1"); for a repeatable, "R__<description>". */
  version: string;
  description: string;
  absolutePath: string;
  file: string;
}

const expected = "V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql";

/**
 * Flyway SQL migrations (https://documentation.red-gate.com/fd/migrations-184127470.html):
 * versioned `V<version>__<desc>.sql` ordered by version value (`V2.1` after `V2`, `1_1` is
 * `1.1`, `1` and `1.0` are the same version), then repeatable `R__<desc>.sql` ordered by
 * description, as Flyway runs them after all pending versioned ones. An undo `U<version>__<desc>.sql`
 * is the down script of the same version. Like Flyway, sub-folders are scanned. A
 * `<script>.sql.conf` with `executeInTransaction=false` makes that script non-transactional.
 */
export async function readFlywayMigrations(context: FormatContext): Promise<Migration[]> {
  const versioned = new Map<string, FlywayFile>();
  const undo = new Map<string, FlywayFile>();
  const repeatable = new Map<string, FlywayFile>();
  for (const absolutePath of await findSqlFiles(context.migrationsDir)) {
    const found = parseFlywayName(path.basename(absolutePath), absolutePath, relativeFile(context.projectRoot, absolutePath));
    const target = found.prefix === "V" ? versioned : found.prefix === "U" ? undo : repeatable;
    const key = found.prefix === "R" ? found.version : versionKey(found.version);
    const existing = target.get(key);
    if (existing) throw duplicateVersionError(existing, found);
    target.set(key, found);
  }
  for (const [key, down] of undo) {
    if (!versioned.has(key)) throw downWithoutUpError(down.file, `V${down.version}__<description>.sql`);
  }

  const migrations: Migration[] = [];
  for (const [key, up] of versioned) migrations.push(await toMigration(context, up, undo.get(key)));
  const repeatables: Migration[] = [];
  for (const up of repeatable.values()) repeatables.push(await toMigration(context, up, undefined));
  repeatables.sort((a, b) => compareCodePoints(a.name, b.name));
  return [...orderMigrations(migrations, compareVersions), ...repeatables];
}

function parseFlywayName(fileName: string, absolutePath: string, file: string): FlywayFile {
  const repeatable = /^R__(.+)\.sql$/.exec(fileName);
  if (repeatable) {
    const description = repeatable[1] ?? "";
    return { prefix: "R", version: `R__${description}`, description, absolutePath, file };
  }
  const versioned = /^([VU])(\d+(?:[._]\d+)*)__(.*)\.sql$/.exec(fileName);
  if (!versioned) throw unexpectedFileError(file, "flyway", expected);
  return {
    prefix: versioned[1] as "V" | "U",
    // Flyway reads `_` inside a version as `.`: V1_1__x.sql is version 1.1.
    version: (versioned[2] ?? "").replace(/_/g, "."),
    description: versioned[3] ?? "",
    absolutePath,
    file,
  };
}

async function toMigration(context: FormatContext, up: FlywayFile, down: FlywayFile | undefined): Promise<Migration> {
  const { variables } = context;
  const upText = await readMigrationFile(up.absolutePath, context.projectRoot, context.preloaded);
  const downText = down ? await readMigrationFile(down.absolutePath, context.projectRoot, context.preloaded) : null;
  return {
    version: up.version,
    name: up.description,
    kind: up.prefix === "R" ? "repeatable" : "versioned",
    format: "flyway",
    up: createScript({
      file: upText.file,
      sql: upText.source,
      variables,
      formatAllowsTransaction: await executesInTransaction(up.absolutePath),
    }),
    down:
      down && downText
        ? createScript({
            file: downText.file,
            sql: downText.source,
            variables,
            formatAllowsTransaction: await executesInTransaction(down.absolutePath),
          })
        : null,
    checksum: upText.checksum,
  };
}

/** Flyway's per-script configuration: `V1__x.sql.conf` may say `executeInTransaction=false`. */
async function executesInTransaction(scriptPath: string): Promise<boolean> {
  let config: string;
  try {
    config = await readFile(`${scriptPath}.conf`, "utf8");
  } catch {
    return true;
  }
  return !/^\s*executeInTransaction\s*=\s*false\s*$/im.test(config);
}

async function findSqlFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const absolutePath = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await findSqlFiles(absolutePath)));
    else if (isSqlFile(entry)) files.push(absolutePath);
  }
  return files;
}
