import type { Engine } from "../db/engine.js";
import type { AppliedMigration } from "../db/history.js";
import type { Migration } from "../model/migration.js";
import { historyReaders } from "./history-readers.js";
import { locateHistoryTable } from "./locate-history-table.js";
import { type HistoryMatch, matchHistory } from "./match-history.js";
import type { TableName } from "./parse-table-name.js";
import { refuseMismatches, refuseUncleanEntries } from "./refuse-adoption.js";
import type { AdoptTool } from "./tool-history.js";

export interface PrepareAdoptionOptions {
  tool: AdoptTool;
  /** `--table`; null: the tool's default table. */
  table: TableName | null;
  migrations: readonly Migration[];
  /** `drydock.migrations` as read on the same session. */
  history: readonly AppliedMigration[];
  toolChecksums: ReadonlyMap<string, readonly string[]>;
  /** The migrations folder as messages show it. */
  migrationsFolder: string;
}

/** A tool's history, read and matched, that can be recorded as it is. */
export interface Adoption {
  /** The tool's table, `schema.table`. */
  table: string;
  match: HistoryMatch;
}

/**
 * Finds and reads the tool's history table on this session, matches it with the project's
 * migrations and drydock's history, and refuses (bad input, nothing written) what cannot be
 * adopted as it is: unclean entries, applied migrations without a file, edited files, drydock
 * records that disagree. Reads only.
 */
export async function prepareAdoption(engine: Engine, options: PrepareAdoptionOptions): Promise<Adoption> {
  const reader = historyReaders[options.tool];
  const table = await locateHistoryTable(engine, reader, options.table);
  const toolHistory = await reader.read(engine, table);
  refuseUncleanEntries(options.tool, table.display, toolHistory.unclean);
  const match = matchHistory({
    matchBy: reader.matchBy,
    migrations: options.migrations,
    toolHistory,
    history: options.history,
    toolChecksums: options.toolChecksums,
  });
  refuseMismatches(options.tool, table.display, match, options.migrationsFolder);
  return { table: table.display, match };
}
