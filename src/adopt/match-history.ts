import type { AppliedMigration } from "../db/history.js";
import { compareVersions, versionKey } from "../discover/compare-versions.js";
import type { Migration } from "../model/migration.js";
import type { MatchBy, ToolHistory, ToolHistoryEntry } from "./tool-history.js";

export interface MatchHistoryInput {
  matchBy: MatchBy;
  /** The project's migrations, in apply order. */
  migrations: readonly Migration[];
  /** What the tool's table says is applied (unclean entries already refused). */
  toolHistory: Pick<ToolHistory, "entries" | "appliedThrough">;
  /** `drydock.migrations` as it is now. */
  history: readonly AppliedMigration[];
  /**
   * Per migration version: the checksums the tool could have recorded for its file as it is now
   * (`toolChecksumsOf`). A migration not in the map, or an entry without a checksum, is not compared.
   */
  toolChecksums?: ReadonlyMap<string, readonly string[]>;
}

/** A project migration and the tool's entry that says it is applied. */
export interface MatchedMigration {
  migration: Migration;
  entry: ToolHistoryEntry;
}

/** How the tool's history and drydock's meet the project's files. */
export interface HistoryMatch {
  /** Applied by the tool and not yet in drydock's history: to record, in apply order. */
  adopt: MatchedMigration[];
  /** Applied by the tool and already recorded by drydock with the file's checksum. */
  alreadyRecorded: MatchedMigration[];
  /** Project migrations neither the tool nor drydock applied (and repeatables to run again). */
  pending: Migration[];
  /** Entries the tool applied that no file of the project matches. */
  missingFiles: ToolHistoryEntry[];
  /** Versioned migrations whose file is not the one the tool applied (its checksum differs). */
  edited: MatchedMigration[];
  /** Repeatables the tool applied in an older version: the tool would run them again, so will drydock. */
  outdated: MatchedMigration[];
  /** Migrations drydock already records with another checksum than the file's. */
  conflicts: { migration: Migration; recorded: AppliedMigration }[];
}

/**
 * Pairs a tool's history with the project's migrations and drydock's history. Entries pair
 * with files by version (as versions: "0007" is 7; a Flyway repeatable by its `R__` name), by
 * Prisma folder, or by node-pg-migrate file name, as `matchBy` says. An `appliedThrough` version
 * (golang-migrate, a Flyway baseline) applies every versioned migration up to it that has no
 * entry of its own. A migration drydock already records is settled by that record: with the
 * file's checksum it is "already recorded", with another it is a conflict (a repeatable is
 * simply run again, as in Flyway). Pure: no I/O.
 */
export function matchHistory(input: MatchHistoryInput): HistoryMatch {
  const { matchBy, migrations, toolHistory } = input;
  const recorded = new Map(input.history.map((row) => [row.version, row]));
  const byKey = new Map<string, Migration>();
  for (const migration of migrations) byKey.set(migrationKey(matchBy, migration), migration);

  const claimed = new Map<string, ToolHistoryEntry>();
  const missingFiles: ToolHistoryEntry[] = [];
  for (const entry of toolHistory.entries) {
    const migration = byKey.get(entryKey(matchBy, entry.key));
    if (!migration) missingFiles.push(entry);
    else if (!claimed.has(migration.version)) claimed.set(migration.version, entry);
  }
  const through = toolHistory.appliedThrough;
  if (through) {
    const target = byKey.get(entryKey(matchBy, through.entry.key));
    if (!target && through.isFileRequired) missingFiles.push(through.entry);
    for (const migration of migrations) {
      if (migration.kind !== "versioned" || claimed.has(migration.version)) continue;
      if (compareVersions(migration.version, through.entry.key) > 0) continue;
      claimed.set(migration.version, { ...through.entry, key: migration.version, label: null, checksum: null });
    }
  }

  const match: HistoryMatch = { adopt: [], alreadyRecorded: [], pending: [], missingFiles, edited: [], outdated: [], conflicts: [] };
  for (const migration of migrations) {
    const entry = claimed.get(migration.version);
    const row = recorded.get(migration.version);
    const isRecordedAsIs = row !== undefined && row.checksum === migration.checksum;
    if (!entry) {
      if (!row || (migration.kind === "repeatable" && !isRecordedAsIs)) match.pending.push(migration);
      continue;
    }
    const pair = { migration, entry };
    if (isRecordedAsIs) match.alreadyRecorded.push(pair);
    else if (row && migration.kind === "versioned") match.conflicts.push({ migration, recorded: row });
    else if (isEdited(pair, input.toolChecksums)) {
      if (migration.kind === "repeatable") {
        match.outdated.push(pair);
        match.pending.push(migration);
      } else {
        match.edited.push(pair);
      }
    } else if (row)
      match.pending.push(migration); // a repeatable drydock will run again anyway
    else match.adopt.push(pair);
  }
  return match;
}

function isEdited(pair: MatchedMigration, toolChecksums: ReadonlyMap<string, readonly string[]> | undefined): boolean {
  const known = toolChecksums?.get(pair.migration.version);
  if (!known || pair.entry.checksum === null) return false;
  return !known.includes(pair.entry.checksum);
}

/** The key of a project migration under a tool's naming. */
function migrationKey(matchBy: MatchBy, migration: Migration): string {
  const file = migration.up.file;
  if (matchBy === "folder") return file.split("/").at(-2) ?? migration.version;
  if (matchBy === "file-name") return (file.split("/").at(-1) ?? file).replace(/\.[^.]*$/, "");
  return migration.kind === "repeatable" ? migration.version : versionKey(migration.version);
}

/** The key of a tool's entry under its naming. */
function entryKey(matchBy: MatchBy, key: string): string {
  if (matchBy !== "version" || key.startsWith("R__")) return key;
  return versionKey(key.trim());
}
