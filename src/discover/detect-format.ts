import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { MigrationFormat } from "../model/migration.js";
import { fileExists, isSqlFile, listFolder } from "./format-context.js";
import { hasSectionMarkers, type SectionDialect } from "./split-sections.js";

/**
 * Guesses the format of a migrations folder from its layout, most specific sign first:
 * `sqitch.plan` → sqitch; `committed/` → graphile-migrate; sub-folders holding `migration.sql` →
 * prisma, holding `up.sql` → diesel; `V<version>__` / `R__` file names (also in sub-folders when
 * there is no top-level SQL file) → flyway; `.up.sql` names → golang-migrate; `-- +goose`,
 * `-- +migrate` markers at the start of a line → goose, sql-migrate; `-- migrate:up` in every
 * file → dbmate;
 * anything else (an empty folder included) → plain. `project.format` overrides the guess when a
 * folder is ambiguous.
 */
export async function detectFormat(migrationsDir: string, read: Map<string, Uint8Array> = new Map()): Promise<MigrationFormat> {
  const entries = await listFolder(migrationsDir);
  const names = new Set(entries.map((entry) => entry.name));
  if (names.has("sqitch.plan")) return "sqitch";
  if (entries.some((entry) => entry.isDirectory() && entry.name === "committed")) return "graphile-migrate";

  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => path.join(migrationsDir, entry.name));
  if (await someAsync(folders, (folder) => fileExists(path.join(folder, "migration.sql")))) return "prisma";
  if (await someAsync(folders, (folder) => fileExists(path.join(folder, "up.sql")))) return "diesel";

  const sqlFiles = entries.filter(isSqlFile).map((entry) => entry.name);
  if (sqlFiles.some(isFlywayName)) return "flyway";
  // Flyway scans sub-folders; a project that keeps every script in them has no top-level file.
  if (sqlFiles.length === 0 && (await someAsync(folders, hasNestedFlywayScript))) return "flyway";
  if (sqlFiles.some((name) => /\.up\.sql$/i.test(name))) return "golang-migrate";

  const markers: [SectionDialect, MigrationFormat][] = [
    ["goose", "goose"],
    ["sql-migrate", "sql-migrate"],
    ["dbmate", "dbmate"],
  ];
  let filesWithDbmateUp = 0;
  for (const name of sqlFiles) {
    // Detection must not fail on a bad file: reading it for real reports the problem properly.
    const source = readTextOrEmpty(path.join(migrationsDir, name), read);
    for (const [dialect, format] of markers) {
      if (dialect === "dbmate") {
        if (hasStartMarker(source, dialect)) filesWithDbmateUp++;
      } else if (hasStartMarker(source, dialect)) {
        return format;
      }
    }
  }
  // Only a folder where every file has "-- migrate:up" is dbmate: the plain format accepts the
  // same sections as an option, so one file made by `drydock new` keeps a plain project plain.
  if (sqlFiles.length > 0 && filesWithDbmateUp === sqlFiles.length) return "dbmate";
  return "plain";
}

/** A dbmate file is recognised by `-- migrate:up`; a lone `-- migrate:down` is a plain file's section. */
function hasStartMarker(source: string, dialect: SectionDialect): boolean {
  if (dialect === "dbmate") return /^\s*--\s*migrate:up\b/im.test(source);
  return hasSectionMarkers(source, dialect);
}

function isFlywayName(fileName: string): boolean {
  return /^(?:V\d[\d._]*|R)__.*\.sql$/.test(fileName);
}

async function hasNestedFlywayScript(folder: string): Promise<boolean> {
  const names = await readdir(folder, { recursive: true });
  return names.some((name) => isFlywayName(path.basename(name)));
}

async function someAsync<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}

/** Reads a file for its markers and keeps the bytes in `read`, so discovery reads each file once. */
function readTextOrEmpty(filePath: string, read: Map<string, Uint8Array>): string {
  try {
    const bytes = readFileSync(filePath);
    read.set(filePath, bytes);
    return bytes.toString("utf8");
  } catch {
    return "";
  }
}
