import { type Engine, type ServerVersion, serverVersionOf } from "../db/engine.js";
import type { Snapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { assembleSnapshot, type CatalogRows, compareText } from "./assemble-snapshot.js";
import { type ColumnRow, columnsQuery } from "./queries/columns.js";
import { type ConstraintRow, constraintsQuery } from "./queries/constraints.js";
import { type ExtensionRow, extensionsQuery } from "./queries/extensions.js";
import type { RelationShare } from "./queries/fragments.js";
import { type FunctionRow, functionsQuery } from "./queries/functions.js";
import { type IndexRow, indexesQuery } from "./queries/indexes.js";
import { type PolicyRow, policiesQuery } from "./queries/policies.js";
import { type SchemaRow, schemasQuery } from "./queries/schemas.js";
import { type SequenceRow, sequencesQuery } from "./queries/sequences.js";
import { type StatisticsRow, statisticsQuery } from "./queries/statistics.js";
import { type TableRow, tablesQuery } from "./queries/tables.js";
import { type TriggerRow, triggersQuery } from "./queries/triggers.js";
import { type TypeRow, typesQuery } from "./queries/types.js";
import { type ViewRow, viewsQuery } from "./queries/views.js";
import { readInSharedSnapshot } from "./read-in-shared-snapshot.js";

export interface TakeSnapshotOptions {
  /** The schemas to read (`project.schemas`); `drydock` and the system schemas are never read. */
  schemas: readonly string[];
  /** Count the rows of every table with `count(*)` (reads every table), besides the estimates. */
  exactCounts?: boolean;
  /**
   * How many sessions may read the catalog at once (default 1, at most 16). With more, the
   * engine's session and up to `sessions - 1` siblings (`Engine.openSibling`; PostgreSQL, not
   * PGlite) share the catalog queries and read one consistent state (`readInSharedSnapshot`),
   * the engine's session in a transaction of its own. An engine already inside a transaction
   * reads alone, in it: other sessions cannot see its uncommitted changes.
   */
  sessions?: number;
  /**
   * Reads more on the engine's session, in the snapshot the catalog is read in, before its
   * catalog queries: what must agree with the catalog (drift's history). Run with the reading
   * settings applied (an empty search_path), so names must be qualified.
   */
  alsoRead?: (session: Engine) => Promise<void>;
}

/**
 * Settings for reading the catalog. With an empty search_path, `pg_get_*def`, `format_type` and
 * `::regclass` qualify every name outside pg_catalog, and the date, interval and float settings
 * fix how constants print, so the text does not depend on the session that reads it. JIT does
 * not change any result, but the catalog queries' estimated costs cross `jit_above_cost` (and
 * even `jit_optimize_above_cost`) on a large schema, and compiling them takes longer than
 * running them.
 */
const readingSettings: Record<string, string> = {
  search_path: "",
  DateStyle: "ISO, MDY",
  IntervalStyle: "postgres",
  extra_float_digits: "1",
  quote_all_identifiers: "off",
  jit: "off",
};

/** More sessions than this would only take connections from the server's `max_connections`. */
const maxSessions = 16;

/** Schemas a snapshot never reads: drydock's history and PostgreSQL's own. */
function isExcludedSchema(name: string): boolean {
  return name === "drydock" || name === "pg_catalog" || name === "information_schema" || /^pg_(toast|temp_\d+|toast_temp_\d+)$/.test(name);
}

type CatalogKind = Exclude<keyof CatalogRows, "rowCounts">;

/** One catalog query: the rows it reads, whether it takes the schemas as `$1`, and its share of the relations. */
interface CatalogQuery {
  kind: CatalogKind;
  sql: string;
  takesSchemas: boolean;
  /** The index of the relation share it reads (see `RelationShare`), or null when it reads all. */
  share: number | null;
}

/**
 * The catalog queries for `shares` sessions. Those that open every table (printing an index,
 * a check constraint or a policy needs the table's relcache entry, a size needs the table's and
 * its indexes') are split into one query per share; the others run whole. In order of cost, as
 * measured on 2,000 tables with 8,600 indexes, so that no long query starts last.
 */
function catalogQueries(serverVersionNum: number, shares: number): CatalogQuery[] {
  const perShare = Array.from({ length: shares }, (_, index) => ({ index, count: shares }));
  const split = (kind: CatalogKind, sqlOf: (share: RelationShare) => string): CatalogQuery[] =>
    perShare.map((share) => ({ kind, sql: sqlOf(share), takesSchemas: true, share: share.index }));
  const whole = (kind: CatalogKind, sql: string): CatalogQuery => ({ kind, sql, takesSchemas: true, share: null });
  return [
    ...split("indexes", indexesQuery),
    ...split("statistics", statisticsQuery),
    ...split("constraints", constraintsQuery),
    ...split("policies", policiesQuery),
    whole("columns", columnsQuery),
    whole("views", viewsQuery),
    whole("tables", tablesQuery),
    whole("triggers", triggersQuery),
    whole("functions", functionsQuery(serverVersionNum)),
    whole("types", typesQuery),
    whole("sequences", sequencesQuery),
    whole("schemas", schemasQuery),
    { kind: "extensions", sql: extensionsQuery, takesSchemas: false, share: null },
  ];
}

/**
 * The next query for session `sessionIndex`: one of its own share first, then one that reads
 * all relations, then another session's share (that session may never have joined).
 */
function takeNextQuery(pending: CatalogQuery[], sessionIndex: number): CatalogQuery | undefined {
  let position = pending.findIndex((query) => query.share === sessionIndex);
  if (position < 0) position = pending.findIndex((query) => query.share === null);
  return pending.splice(Math.max(position, 0), 1)[0];
}

/**
 * Reads the catalog snapshot of a database (docs/snapshot.md): one catalog query per object
 * kind, run with output settings that make the text deterministic, then restored. Works on
 * PostgreSQL 13+ and PGlite. Reads only; with `exactCounts` it reads every table once.
 */
export async function takeSnapshot(engine: Engine, options: TakeSnapshotOptions): Promise<Snapshot> {
  const schemas = [...new Set(options.schemas)].filter((name) => !isExcludedSchema(name)).sort(compareText);
  const sessions = Number.isInteger(options.sessions) ? Math.min(Math.max(options.sessions ?? 1, 1), maxSessions) : 1;
  const siblings = engine.openSibling ? sessions - 1 : 0;
  const { version, previous } = await readVersionAndApplySettings(engine);
  try {
    const queries = catalogQueries(version.num, siblings + 1);
    const pending = [...queries];
    const results = new Map<CatalogQuery, unknown[]>();
    let isFailed = false;
    const readQueries = async (session: Engine, sessionIndex: number): Promise<void> => {
      if (session !== engine) await applySettings(session, readingSettings);
      else await options.alsoRead?.(session);
      for (let query = takeNextQuery(pending, sessionIndex); query && !isFailed; query = takeNextQuery(pending, sessionIndex)) {
        try {
          results.set(query, await session.query(query.sql, query.takesSchemas ? [schemas] : []));
        } catch (error) {
          isFailed = true; // the other sessions take no further query
          throw error;
        }
      }
    };
    await readInSharedSnapshot(engine, siblings, readQueries);
    // The parts of a split query in share order, whichever session finished first.
    const rowsOf = <Row>(kind: CatalogKind): Row[] =>
      queries.filter((query) => query.kind === kind).flatMap((query) => (results.get(query) ?? []) as Row[]);
    const rows: CatalogRows = {
      schemas: rowsOf<SchemaRow>("schemas"),
      extensions: rowsOf<ExtensionRow>("extensions"),
      types: rowsOf<TypeRow>("types"),
      sequences: rowsOf<SequenceRow>("sequences"),
      tables: rowsOf<TableRow>("tables"),
      columns: rowsOf<ColumnRow>("columns"),
      constraints: rowsOf<ConstraintRow>("constraints"),
      indexes: rowsOf<IndexRow>("indexes"),
      triggers: rowsOf<TriggerRow>("triggers"),
      policies: rowsOf<PolicyRow>("policies"),
      views: rowsOf<ViewRow>("views"),
      functions: rowsOf<FunctionRow>("functions"),
      statistics: rowsOf<StatisticsRow>("statistics"),
      rowCounts: null,
    };
    // Counted outside the shared snapshot, in transactions of at most 50 small tables or one
    // larger one (countRows): a transaction that held a lock on every table could exhaust the
    // lock table (max_locks_per_transaction, 64 by default).
    if (options.exactCounts) rows.rowCounts = await countRows(engine, rows.statistics);
    const source = { engine: engine.kind, server_version: version.text, server_version_num: version.num, schemas };
    return assembleSnapshot(source, rows);
  } finally {
    await applySettings(engine, previous);
  }
}

/**
 * The server version and the reading settings' current values, read while the reading
 * settings are applied: one round trip. Each setting is read in the subquery before the outer
 * query changes it (OFFSET 0 keeps the subquery from being merged into it).
 */
async function readVersionAndApplySettings(engine: Engine): Promise<{ version: ServerVersion; previous: Record<string, string> }> {
  const names = Object.keys(readingSettings);
  const rows = await engine.query<{ name: string; previous: string; num: string; text: string }>(
    `SELECT s.name, s.previous, pg_catalog.set_config(s.name, s.value, false) AS value,
            pg_catalog.current_setting('server_version_num') AS num, pg_catalog.current_setting('server_version') AS text
       FROM (SELECT name, value, pg_catalog.current_setting(name) AS previous
               FROM unnest($1::text[], $2::text[]) AS t(name, value) OFFSET 0) AS s`,
    [names, names.map((name) => readingSettings[name] ?? "")],
  );
  return {
    version: serverVersionOf(rows[0]),
    previous: Object.fromEntries(rows.map((row) => [row.name, row.previous])),
  };
}

async function applySettings(engine: Engine, settings: Record<string, string>): Promise<void> {
  const names = Object.keys(settings);
  await engine.query("SELECT pg_catalog.set_config(name, value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)", [
    names,
    names.map((name) => settings[name] ?? ""),
  ]);
}

/** A table this small (on disk) counts in well under a millisecond: such counts share a round trip. */
const smallTableBytes = 1024 * 1024;
const countsPerRoundTrip = 50;

/**
 * `count(*)` of each relation. A plain table counts its own rows (`ONLY`: an inheritance
 * child's rows are counted on the child); a partitioned table counts its partitions'. A
 * materialized view built `WITH NO DATA` cannot be read and has no count.
 *
 * Small tables are counted 50 to a round trip. Such a batch is one transaction, holding ACCESS
 * SHARE on its tables until its last count, a few milliseconds; that lock conflicts only with
 * ACCESS EXCLUSIVE, so a DDL statement elsewhere waits at most that long. Larger tables, and
 * partitioned ones (whose size is their partitions'), are counted one per statement, so a long
 * count never holds a lock on another table.
 */
async function countRows(engine: Engine, relations: readonly StatisticsRow[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const readable = relations.filter((relation) => !(relation.kind === "m" && !relation.is_populated));
  const countSql = (relation: StatisticsRow) =>
    `SELECT pg_catalog.count(*)::float8 AS rows FROM ${relation.kind === "r" ? "ONLY " : ""}${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
  const isSmall = (relation: StatisticsRow) => relation.kind !== "p" && relation.size_bytes <= smallTableBytes;
  const small = readable.filter(isSmall);
  for (let start = 0; start < small.length; start += countsPerRoundTrip) {
    const batch = small.slice(start, start + countsPerRoundTrip);
    const results = await engine.queryEach<{ rows: number }>(batch.map(countSql));
    for (const [index, relation] of batch.entries()) {
      counts.set(`${relation.schema}.${relation.name}`, Number(results[index]?.[0]?.rows ?? 0));
    }
  }
  for (const relation of readable.filter((relation) => !isSmall(relation))) {
    const [row] = await engine.query<{ rows: number }>(countSql(relation));
    counts.set(`${relation.schema}.${relation.name}`, Number(row?.rows ?? 0));
  }
  return counts;
}
