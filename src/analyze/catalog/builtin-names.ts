import { extensionObjects } from "./extension-objects.js";
import { informationSchemaRelations, pgCatalogFunctions, pgCatalogRelations, pgCatalogTypes } from "./pg-catalog-names.js";

/** The names one extension's objects are created under, as Sets. */
export interface ExtensionNameSets {
  functions: ReadonlySet<string>;
  types: ReadonlySet<string>;
  relations: ReadonlySet<string>;
}

/**
 * Column types the parser accepts but pg_type has no row for: CREATE TABLE and ALTER TABLE turn
 * them into int2/int4/int8 plus an owned sequence (transformColumnDefinition), and they are valid
 * only there. libpg-query leaves them unqualified, like `text` or `uuid`.
 * https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-SERIAL
 */
const serialTypes = ["smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"] as const;

/** Schemas only PostgreSQL creates; `pg_temp` is the alias of the session's temporary schema. */
const systemSchemas: ReadonlySet<string> = new Set(["pg_catalog", "information_schema", "pg_toast", "pg_temp"]);

/** The per-backend temporary schemas behind `pg_temp`, and their TOAST schemas. */
const temporarySchemaPattern = /^pg_(toast_)?temp_\d+$/;

const functions: ReadonlySet<string> = new Set(pgCatalogFunctions);
const types: ReadonlySet<string> = new Set([...pgCatalogTypes, ...serialTypes]);
const relationsBySchema: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["pg_catalog", new Set(pgCatalogRelations)],
  ["information_schema", new Set(informationSchemaRelations)],
]);
const extensions: ReadonlyMap<string, ExtensionNameSets> = new Map(
  Object.entries(extensionObjects).map(([name, objects]) => [
    name,
    { functions: new Set(objects.functions), types: new Set(objects.types), relations: new Set(objects.relations) },
  ]),
);

/**
 * Whether `name` is a function, aggregate or window function in pg_catalog (`pg_proc.proname`),
 * which is always first on the search_path, so callable unqualified. The name is compared as
 * PostgreSQL stores it: lowercase unless it was quoted. `coalesce`, `greatest`, `least` and
 * `nullif` are not here: they are expressions (CoalesceExpr, MinMaxExpr, A_Expr), not functions.
 */
export function isBuiltinFunction(name: string): boolean {
  return functions.has(name);
}

/**
 * Whether `name` is a type in pg_catalog (`pg_type.typname`) or one of the serial family. SQL
 * spellings such as `int`, `varchar`, `double precision` or `timestamp with time zone` reach the
 * analysis already qualified by the parser (`pg_catalog.int4`…); `text`, `uuid`, `jsonb`,
 * `timestamptz` and the like stay unqualified and are checked here.
 */
export function isBuiltinType(name: string): boolean {
  return types.has(name);
}

/**
 * Whether `schema.name` is a table, view or sequence of pg_catalog or information_schema
 * (`pg_class.relname`). An unqualified name resolves to pg_catalog first, so pass `pg_catalog`
 * for it; information_schema relations are only found qualified.
 */
export function isBuiltinRelation(schema: string, name: string): boolean {
  return relationsBySchema.get(schema)?.has(name) ?? false;
}

/**
 * Whether `schema` belongs to PostgreSQL: pg_catalog, information_schema, pg_toast, pg_temp and the
 * pg_temp_N / pg_toast_temp_N schemas behind it. `public` is not one: it is an ordinary schema
 * that migrations may alter or drop.
 */
export function isSystemSchema(schema: string): boolean {
  return systemSchemas.has(schema) || temporarySchemaPattern.test(schema);
}

/**
 * The function, type and relation names `CREATE EXTENSION <extension>` creates (its own members
 * in pg_depend, deptype 'e'), or null for an extension the generating server did not offer. The
 * objects of the extensions it requires are not included: CASCADE creates those as well.
 */
export function extensionProvides(extension: string): ExtensionNameSets | null {
  return extensions.get(extension) ?? null;
}
