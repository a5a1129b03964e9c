import { parsePgType } from "./parse-pg-type.js";
import { arrayOf } from "./ts-syntax.js";

/** What `mapPgType` asks about the types a database defines itself. */
export interface TypeLookup {
  /**
   * The TypeScript of a type that is not built in (an enum, a domain, a composite or range type,
   * a table's row type), or undefined when the snapshot does not know it. `schema` is null for
   * an unqualified name that is not one of PostgreSQL's own.
   */
  find(schema: string | null, name: string): string | undefined;
}

/**
 * The TypeScript of a value of a PostgreSQL type as PostgREST returns it in JSON, which is what
 * supabase-js reads (and what `supabase gen types typescript` writes): numbers for the integer
 * and floating types and for `numeric` and `bigint` too (JSON numbers, though past 2^53 they
 * lose precision in JavaScript), `Json` for json and jsonb, strings for every type JSON prints
 * as text (dates, times, uuid, bytea, network addresses, ranges…), `unknown` for the rest.
 */
const builtinTypes: ReadonlyMap<string, string> = new Map([
  ...["smallint", "integer", "bigint", "real", "double precision", "numeric", "oid"].map((name) => [name, "number"] as const),
  ["boolean", "boolean"],
  ["json", "Json"],
  ["jsonb", "Json"],
  ["void", "undefined"],
  ["record", "Record<string, unknown>"],
  ...[
    "text",
    "character varying",
    "character",
    "char",
    "name",
    "uuid",
    "bytea",
    "date",
    "time without time zone",
    "time with time zone",
    "timestamp without time zone",
    "timestamp with time zone",
    "interval",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "money",
    "xml",
    "tsvector",
    "tsquery",
    "bit",
    "bit varying",
    "jsonpath",
    "pg_lsn",
    ...["int4", "int8", "num", "ts", "tstz", "date"].flatMap((range) => [`${range}range`, `${range}multirange`]),
  ].map((name) => [name, "string"] as const),
]);

/**
 * Types of common extensions, by name, when the snapshot does not hold their schema (an
 * extension's base types are not part of a snapshot): they print as text in JSON.
 */
const extensionTypes: ReadonlyMap<string, string> = new Map(
  ["citext", "ltree", "lquery", "ltxtquery", "vector", "halfvec", "sparsevec"].map((name) => [name, "string"] as const),
);

/**
 * The TypeScript of a column, argument or result type as `format_type()` prints it:
 * `integer` → `number`, `character varying(80)` → `string`, `jsonb` → `Json`,
 * `public.mood[]` → what `lookup` says for `public.mood`, as an array. Unknown types are
 * `unknown`, as in supabase's generator.
 */
export function mapPgType(pgType: string, lookup: TypeLookup): string {
  const { schema, name, arrayDepth } = parsePgType(pgType);
  let type =
    (schema === null ? builtinTypes.get(name) : undefined) ??
    lookup.find(schema, name) ??
    (schema !== null ? extensionTypes.get(name) : undefined) ??
    "unknown";
  for (let depth = 0; depth < arrayDepth; depth++) type = arrayOf(type);
  return type;
}
