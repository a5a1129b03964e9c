import type { Engine } from "../db/engine.js";
import type { AdoptTool, MatchBy, ToolHistory } from "./tool-history.js";

/** A tool's history table, found in the database. */
export interface LocatedTable {
  schema: string;
  name: string;
  /** The table for SQL text: both parts quoted. */
  sql: string;
  /** The table for messages: `schema.name`. */
  display: string;
  columns: ReadonlySet<string>;
}

/** Where a tool keeps its history by default: a table name, in a fixed schema or on the search path. */
export interface DefaultTable {
  schema: string | null;
  name: string;
  /** Shown in "looked for …" messages, e.g. "Flyway 3 and 4". */
  note?: string;
}

/**
 * Reads one tool's history table. Each tool has its own file in `readers/`, holding the exact
 * table the tool creates; `history-readers.ts` is the one list.
 */
export interface HistoryReader {
  tool: AdoptTool;
  matchBy: MatchBy;
  defaultTables: readonly DefaultTable[];
  /** Columns the tool's table always has; a table without them is not this tool's. */
  columns: readonly string[];
  /** Columns that say a same-named table is another tool's (golang-migrate's `dirty` for dbmate). */
  foreignColumns?: readonly string[];
  /** Schemas a default search skips (Supabase's own `schema_migrations` when looking for dbmate's). */
  skipSchemas?: readonly string[];
  read(engine: Engine, table: LocatedTable): Promise<ToolHistory>;
}

/** A timestamp as the engines return it (Date, or text from PGlite), as ISO 8601 in UTC. */
export function isoTimestamp(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
