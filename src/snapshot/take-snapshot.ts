import { type Engine, readServerVersion } from "../db/engine.js";
import type { Snapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { assembleSnapshot, type CatalogRows, compareText } from "./assemble-snapshot.js";
import { type ColumnRow, columnsQuery } from "./queries/columns.js";
import { type ConstraintRow, constraintsQuery } from "./queries/constraints.js";
import { type ExtensionRow, extensionsQuery } from "./queries/extensions.js";
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

export interface TakeSnapshotOptions {
  /** The schemas to read (`project.schemas`); `drydock` and the system schemas are never read. */
  schemas: readonly string[];
  /** Count the rows of every table with `count(*)` (reads every table), besides the estimates. */
  exactCounts?: boolean;
}

/**
 * Settings that change how PostgreSQL prints names and constants. With an empty search_path,
 * `pg_get_*def`, `format_type` and `::regclass` qualify every name outside pg_catalog, so the
 * text does not depend on the session that reads it.
 */
const stableSettings: Record<string, string> = {
  search_path: "",
  DateStyle: "ISO, MDY",
  IntervalStyle: "postgres",
  extra_float_digits: "1",
  quote_all_identifiers: "off",
};

/** Schemas a snapshot never reads: drydock's history and PostgreSQL's own. */
function isExcludedSchema(name: string): boolean {
  return name === "drydock" || name === "pg_catalog" || name === "information_schema" || /^pg_(toast|temp_\d+|toast_temp_\d+)$/.test(name);
}

/**
 * Reads the catalog snapshot of a database (docs/snapshot.md): one catalog query per object
 * kind, run with output settings that make the text deterministic, then restored. Works on
 * PostgreSQL 13+ and PGlite. Reads only; with `exactCounts` it reads every table once.
 */
export async function takeSnapshot(engine: Engine, options: TakeSnapshotOptions): Promise<Snapshot> {
  const schemas = [...new Set(options.schemas)].filter((name) => !isExcludedSchema(name)).sort(compareText);
  const version = await readServerVersion(engine);
  const previous = await engine.query<{ name: string; value: string }>(
    "SELECT name, pg_catalog.current_setting(name) AS value FROM pg_catalog.unnest($1::text[]) AS name",
    [Object.keys(stableSettings)],
  );
  await applySettings(engine, stableSettings);
  try {
    const read = <Row>(sql: string): Promise<Row[]> => engine.query<Row>(sql, [schemas]);
    const rows: CatalogRows = {
      schemas: await read<SchemaRow>(schemasQuery),
      extensions: await engine.query<ExtensionRow>(extensionsQuery),
      types: await read<TypeRow>(typesQuery),
      sequences: await read<SequenceRow>(sequencesQuery),
      tables: await read<TableRow>(tablesQuery),
      columns: await read<ColumnRow>(columnsQuery),
      constraints: await read<ConstraintRow>(constraintsQuery),
      indexes: await read<IndexRow>(indexesQuery),
      triggers: await read<TriggerRow>(triggersQuery),
      policies: await read<PolicyRow>(policiesQuery),
      views: await read<ViewRow>(viewsQuery),
      functions: await read<FunctionRow>(functionsQuery(version.num)),
      statistics: await read<StatisticsRow>(statisticsQuery),
      rowCounts: null,
    };
    if (options.exactCounts) rows.rowCounts = await countRows(engine, rows.statistics);
    const source = { engine: engine.kind, server_version: version.text, server_version_num: version.num, schemas };
    return assembleSnapshot(source, rows);
  } finally {
    await applySettings(engine, Object.fromEntries(previous.map((row) => [row.name, row.value])));
  }
}

async function applySettings(engine: Engine, settings: Record<string, string>): Promise<void> {
  const names = Object.keys(settings);
  await engine.query("SELECT pg_catalog.set_config(name, value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)", [
    names,
    names.map((name) => settings[name] ?? ""),
  ]);
}

/**
 * `count(*)` of each relation. A plain table counts its own rows (`ONLY`: an inheritance
 * child's rows are counted on the child); a partitioned table counts its partitions'. A
 * materialized view built `WITH NO DATA` cannot be read and has no count.
 */
async function countRows(engine: Engine, relations: readonly StatisticsRow[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const relation of relations) {
    if (relation.kind === "m" && !relation.is_populated) continue;
    const only = relation.kind === "r" ? "ONLY " : "";
    const [row] = await engine.query<{ rows: number }>(
      `SELECT pg_catalog.count(*)::float8 AS rows FROM ${only}${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`,
    );
    counts.set(`${relation.schema}.${relation.name}`, Number(row?.rows ?? 0));
  }
  return counts;
}
