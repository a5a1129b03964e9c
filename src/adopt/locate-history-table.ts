import type { Engine } from "../db/engine.js";
import { InputError } from "../errors/drydock-error.js";
import { quoteIdent } from "../util/quote-ident.js";
import type { HistoryReader, LocatedTable } from "./history-reader.js";
import { historyReaders } from "./history-readers.js";
import type { TableName } from "./parse-table-name.js";

interface Relation {
  schema: string;
  name: string;
  /** 1-based place of its schema in the search path; null when the schema is not on it. */
  search_rank: number | null;
  columns: string[];
}

/**
 * Finds a tool's history table: the one `--table` names, else the tool's default table, on the
 * search path first (where the tool itself, connecting with the same settings, would have made
 * it), then in any schema. A table must have the tool's columns to count. Not finding one, or
 * finding several off the search path, is bad input whose hint names the tables of other tools
 * that the database does have.
 */
export async function locateHistoryTable(engine: Engine, reader: HistoryReader, table: TableName | null): Promise<LocatedTable> {
  const names = table ? table.nameSpellings : [...new Set(reader.defaultTables.map((entry) => entry.name))];
  const relations = await readRelations(engine, names);
  const wanted = relations.filter((relation) =>
    table ? table.schema === null || table.schemaSpellings.includes(relation.schema) : isDefaultPlace(reader, relation),
  );
  const fitting = wanted.filter((relation) => fits(reader, relation));
  const [first, second] = fitting;
  if (!first) throw await notFoundError(engine, reader, table, wanted);
  if (second && first.search_rank === null) {
    throw new InputError(`found several ${reader.tool} history tables: ${fitting.map(display).join(", ")}`, {
      hint: `None is on the search path; name the one ${reader.tool} used with --table <schema.table>.`,
    });
  }
  return {
    schema: first.schema,
    name: first.name,
    sql: `${quoteIdent(first.schema)}.${quoteIdent(first.name)}`,
    display: display(first),
    columns: new Set(first.columns),
  };
}

/** The default history tables of every tool that this database has, as "tool: schema.table". */
export async function detectHistoryTables(engine: Engine): Promise<{ tool: string; table: string }[]> {
  const readers = Object.values(historyReaders);
  const names = [...new Set(readers.flatMap((reader) => reader.defaultTables.map((entry) => entry.name)))];
  const relations = await readRelations(engine, names);
  return readers.flatMap((reader) =>
    relations
      .filter((relation) => isDefaultPlace(reader, relation) && fits(reader, relation))
      .map((relation) => ({ tool: reader.tool, table: display(relation) })),
  );
}

async function readRelations(engine: Engine, names: readonly string[]): Promise<Relation[]> {
  return engine.query<Relation>(
    `SELECT n.nspname::text AS schema, c.relname::text AS name,
            array_position(current_schemas(false), n.nspname) AS search_rank,
            array(SELECT a.attname::text FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     ORDER BY search_rank NULLS LAST, array_position($1::text[], c.relname::text), n.nspname`,
    [names],
  );
}

function isDefaultPlace(reader: HistoryReader, relation: Relation): boolean {
  if (reader.skipSchemas?.includes(relation.schema)) return false;
  return reader.defaultTables.some((entry) => entry.name === relation.name && (entry.schema === null || entry.schema === relation.schema));
}

function fits(reader: HistoryReader, relation: Relation): boolean {
  const columns = new Set(relation.columns);
  return reader.columns.every((column) => columns.has(column)) && !reader.foreignColumns?.some((column) => columns.has(column));
}

function display(relation: Pick<Relation, "schema" | "name">): string {
  return `${relation.schema}.${relation.name}`;
}

async function notFoundError(engine: Engine, reader: HistoryReader, table: TableName | null, unfit: Relation[]): Promise<InputError> {
  const others = (await detectHistoryTables(engine)).filter((found) => found.tool !== reader.tool);
  const elsewhere =
    others.length > 0
      ? `This database has ${others.map((found) => `${found.tool}'s ${found.table}`).join(", ")}: did you mean --from ${others[0]?.tool}?`
      : null;
  const [wrong] = unfit;
  if (wrong) {
    const missing = reader.columns.filter((column) => !wrong.columns.includes(column));
    const foreign = reader.foreignColumns?.filter((column) => wrong.columns.includes(column)) ?? [];
    const why = missing.length > 0 ? `it lacks ${missing.join(", ")}` : `it has ${foreign.join(", ")}`;
    return new InputError(`${display(wrong)} is not ${reader.tool}'s history table: ${why} (it has ${wrong.columns.join(", ")})`, {
      hint:
        elsewhere ??
        `${reader.tool}'s table has ${reader.columns.join(", ")}. Check --from, or name the right table with --table <schema.table>.`,
    });
  }
  const lookedFor = table
    ? table.schema === null
      ? `${table.name} on the search path or in any schema`
      : `${table.schema}.${table.name}`
    : reader.defaultTables
        .map((entry) => `${entry.schema === null ? entry.name : `${entry.schema}.${entry.name}`}${entry.note ? ` (${entry.note})` : ""}`)
        .join(", ");
  const where = table === null && reader.defaultTables.some((entry) => entry.schema === null) ? " in any schema" : "";
  return new InputError(`no ${reader.tool} history table in ${engine.urlRedacted}: looked for ${lookedFor}${where}`, {
    hint:
      elsewhere ??
      `If ${reader.tool} kept its history under another name, pass --table <schema.table>; otherwise check that --url/--env name the database ${reader.tool} migrated.`,
  });
}
