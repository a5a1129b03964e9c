import type { Engine } from "../db/engine.js";
import { ServerError } from "../db/server-error.js";
import type { Snapshot, TableSnapshot } from "../model/snapshot.js";
import { formatBytes } from "../report/format-report-values.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";
import { relationSql } from "../verify/relation-sql.js";

/** How much of a database `fingerprintTableData` reads; past these a table is compared by its row count only. */
export interface TableDataLimits {
  /** Rows of one table (the snapshot's exact count, else the planner's estimate). */
  maxRowsPerTable: number;
  /** Bytes of one table on disk (`pg_table_size`: heap and TOAST, not indexes). */
  maxBytesPerTable: number;
  /** Bytes of all the tables read by content together, smallest tables first. */
  maxTotalBytes: number;
}

/**
 * A rehearsal sandbox may be a copy of production: reading every row twice is the price of the
 * comparison, so it stops at sizes a rehearsal can afford (about two seconds per table and
 * twenty in all on ordinary disks) and counts the rest.
 */
export const defaultTableDataLimits: TableDataLimits = {
  maxRowsPerTable: 1_000_000,
  maxBytesPerTable: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

/** One table's data as read at one moment. */
export interface TableData {
  schema: string;
  name: string;
  /** `content`: rows and hashes; `count`: the row count only, `reason` saying which limit; `unreadable`: the server refused, `reason` holding its error. */
  mode: "content" | "count" | "unreadable";
  reason: string | null;
  rows: number;
  /** The sum over the rows of a 64-bit hash of each row over `columns` (exact, as decimal text); null unless by content. */
  rowsHash: string | null;
  /** Each column read, by name, with the sum over the rows of a 64-bit hash of its value; empty unless by content. */
  columns: Record<string, string>;
  /** Each column read, by name, with how many rows hold a value (not NULL) in it; empty unless by content. */
  filled: Record<string, number>;
}

/** The data of the tables of a snapshot, for comparing the same tables at two moments. */
export interface TableDataFingerprint {
  tables: TableData[];
  /** Rows read and hashed (tables read by content). */
  rowsRead: number;
  limits: TableDataLimits;
}

export interface FingerprintTableDataOptions {
  limits?: Partial<TableDataLimits>;
  /**
   * Read the tables of this earlier fingerprint the same way (by content or by count), over
   * the columns of theirs that `snapshot` still has, instead of choosing by the limits: the
   * two readings are then comparable, column by column. Tables `snapshot` lacks are left out.
   */
  like?: TableDataFingerprint;
}

/**
 * Fingerprints the data of the plain tables of a snapshot (partitions and inheritance children
 * each on their own, `ONLY`; partitioned and foreign tables have no rows of their own to read).
 * A row is the text of its columns taken in name order, each as `quote_nullable(column::text)`
 * joined by commas: an unambiguous encoding (a NULL is the bare word, a value is a quoted
 * literal), and independent of column positions, which a down that re-adds a column cannot
 * restore. Each row and each value is hashed with `hashtextextended` (64 bits, PostgreSQL 11+)
 * and the hashes summed as numeric: the sum is exact, does not depend on row order (no sort, no
 * memory per row, unlike `string_agg … ORDER BY`), and counts a duplicate row twice. Each table
 * is read in its own read-only transaction with fixed output settings (time zone, date and
 * interval styles, float digits, bytea format, empty search_path), so a value prints the same
 * whatever the migrations did to the session.
 */
export async function fingerprintTableData(
  engine: Engine,
  snapshot: Snapshot,
  options: FingerprintTableDataOptions = {},
): Promise<TableDataFingerprint> {
  const limits = { ...(options.like?.limits ?? defaultTableDataLimits), ...options.limits };
  const present = new Map(snapshot.tables.filter((table) => table.kind === "table").map((table) => [keyOf(table), table]));
  const plan = options.like ? planLike(options.like, present) : await planByLimits(engine, snapshot, [...present.values()], limits);
  const tables: TableData[] = [];
  let rowsRead = 0;
  for (const { table, columns, mode, reason, knownRows } of plan) {
    try {
      if (mode === "content") {
        const data = await readContent(engine, table, columns);
        rowsRead += data.rows;
        tables.push({ ...data, reason: null });
      } else {
        const rows = knownRows ?? (await countRows(engine, table));
        tables.push({ schema: table.schema, name: table.name, mode: "count", reason, rows, rowsHash: null, columns: {}, filled: {} });
      }
    } catch (error) {
      // A table this role may not read (or one slower than statement_timeout) is reported, not fatal.
      if (!(error instanceof ServerError) || /^(08|57P)/.test(error.sqlstate)) throw error;
      const message = `${error.message} (${error.codeLabel})`;
      tables.push({
        schema: table.schema,
        name: table.name,
        mode: "unreadable",
        reason: message,
        rows: 0,
        rowsHash: null,
        columns: {},
        filled: {},
      });
    }
  }
  // Read smallest first, for the budget; reported in name order.
  tables.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  return { tables, rowsRead, limits };
}

interface PlannedRead {
  table: TableSnapshot;
  columns: string[];
  mode: "content" | "count";
  reason: string | null;
  /** An exact count already known (the snapshot's), so a table read by count is not read again. */
  knownRows: number | null;
}

function keyOf(table: { schema: string; name: string }): string {
  return `${table.schema}.${table.name}`;
}

function columnNames(table: TableSnapshot): string[] {
  return table.columns.map((column) => column.name).sort();
}

function planLike(like: TableDataFingerprint, present: Map<string, TableSnapshot>): PlannedRead[] {
  return like.tables.flatMap((earlier) => {
    const table = present.get(keyOf(earlier));
    if (!table || earlier.mode === "unreadable") return [];
    const still = new Set(table.columns.map((column) => column.name));
    // Sorted again: object keys that look like integers come first, whatever their insertion order.
    const columns = Object.keys(earlier.columns)
      .filter((name) => still.has(name))
      .sort();
    return [{ table, columns, mode: earlier.mode, reason: earlier.reason, knownRows: null }];
  });
}

/** Smallest tables first, so that the total budget covers as many tables as it can. */
async function planByLimits(
  engine: Engine,
  snapshot: Snapshot,
  tables: readonly TableSnapshot[],
  limits: TableDataLimits,
): Promise<PlannedRead[]> {
  if (tables.length === 0) return [];
  const sizes = await engine.query<{ key: string; bytes: string | null }>(
    `SELECT s.schema || '.' || s.name AS key,
            pg_catalog.pg_table_size(pg_catalog.format('%I.%I', s.schema, s.name)::regclass)::text AS bytes
       FROM unnest($1::text[], $2::text[]) AS s(schema, name)`,
    [tables.map((table) => table.schema), tables.map((table) => table.name)],
  );
  const bytesOf = new Map(sizes.map((row) => [row.key, Number(row.bytes ?? 0)]));
  const statistics = new Map(snapshot.statistics.relations.map((relation) => [keyOf(relation), relation]));
  const ordered = tables
    .map((table) => {
      const relation = statistics.get(keyOf(table));
      const estimate = relation?.row_estimate ?? null;
      return {
        table,
        bytes: bytesOf.get(keyOf(table)) ?? 0,
        exactRows: relation?.row_count ?? null,
        // reltuples is -1 for a table never vacuumed or analyzed (PostgreSQL 14+).
        rows: relation?.row_count ?? (estimate !== null && estimate >= 0 ? estimate : null),
      };
    })
    .sort((a, b) => a.bytes - b.bytes || (keyOf(a.table) < keyOf(b.table) ? -1 : 1));
  let budget = limits.maxTotalBytes;
  return ordered.map(({ table, bytes, rows, exactRows }) => {
    const reason =
      rows !== null && rows > limits.maxRowsPerTable
        ? `over ${limits.maxRowsPerTable.toLocaleString("en-US")} rows`
        : bytes > limits.maxBytesPerTable
          ? `over ${formatBytes(limits.maxBytesPerTable)} on disk`
          : bytes > budget
            ? `past the ${formatBytes(limits.maxTotalBytes)} the drill reads in all`
            : null;
    if (reason === null) budget -= bytes;
    return { table, columns: columnNames(table), mode: reason === null ? "content" : "count", reason, knownRows: exactRows };
  });
}

/**
 * Output settings for the session's transaction only (`set_config(…, true)`), read-only so the
 * read can never change a copy of production data.
 */
const readingSettings = `SELECT ${[
  ["transaction_read_only", "on"],
  ["TimeZone", "UTC"],
  ["DateStyle", "ISO, MDY"],
  ["IntervalStyle", "postgres"],
  ["extra_float_digits", "1"],
  ["bytea_output", "hex"],
  ["lc_monetary", "C"],
  ["search_path", ""],
]
  .map(([name, value]) => `pg_catalog.set_config(${quoteLiteral(name ?? "")}, ${quoteLiteral(value ?? "")}, true)`)
  .join(", ")}`;

function relationOf(table: { schema: string; name: string }): string {
  return `ONLY ${relationSql(table)}`;
}

async function readContent(engine: Engine, table: TableSnapshot, columns: readonly string[]): Promise<Omit<TableData, "reason">> {
  const value = (column: string) => `pg_catalog.quote_nullable(t.${quoteIdent(column)}::pg_catalog.text)`;
  const hashSum = (text: string) => `COALESCE(pg_catalog.sum(pg_catalog.hashtextextended(${text}, 0)), 0)::pg_catalog.text`;
  const row = columns.length === 0 ? "''" : `pg_catalog.concat_ws(',', ${columns.map(value).join(", ")})`;
  const select = [
    "pg_catalog.count(*)::pg_catalog.text AS rows",
    `${hashSum(row)} AS rows_hash`,
    ...columns.map((column, index) => `${hashSum(value(column))} AS c${index}`),
    ...columns.map((column, index) => `pg_catalog.count(t.${quoteIdent(column)})::pg_catalog.text AS f${index}`),
  ];
  // A simple query with several statements is one implicit transaction, which set_config(…, true) lasts for.
  const [, [result] = []] = await engine.queryEach<Record<string, string>>([
    readingSettings,
    `SELECT ${select.join(", ")} FROM ${relationOf(table)} AS t`,
  ]);
  return {
    schema: table.schema,
    name: table.name,
    mode: "content",
    rows: Number(result?.rows ?? 0),
    rowsHash: result?.rows_hash ?? "0",
    columns: Object.fromEntries(columns.map((column, index) => [column, result?.[`c${index}`] ?? "0"])),
    filled: Object.fromEntries(columns.map((column, index) => [column, Number(result?.[`f${index}`] ?? 0)])),
  };
}

async function countRows(engine: Engine, table: TableSnapshot): Promise<number> {
  const [row] = await engine.query<{ rows: string }>(`SELECT pg_catalog.count(*)::pg_catalog.text AS rows FROM ${relationOf(table)}`);
  return Number(row?.rows ?? 0);
}
