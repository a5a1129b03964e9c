import type { ConstraintSnapshot, TableSnapshot } from "../model/snapshot.js";
import { compareText } from "../snapshot/assemble-snapshot.js";
import { splitQualifiedName } from "./parse-pg-type.js";
import { type TsTuple, tsObject } from "./render-ts-type.js";
import { stringLiteral } from "./ts-syntax.js";

/**
 * The `Relationships` of a table: one entry per foreign key to a table of the same schema,
 * sorted by constraint name, as supabase-js reads them to type embedded selects
 * (`from("orders").select("*, customers(*)")`). `referencedRelation` is a bare name, which
 * PostgREST resolves in the schema of the query, so keys to other schemas are left out.
 * `isOneToOne` holds when the key's columns are also unique in the table (a primary key, a
 * unique constraint or a full unique index on exactly those columns): then each referenced row
 * has at most one referencing row.
 */
export function tableRelationships(table: TableSnapshot): TsTuple {
  const uniqueKeys = uniqueColumnSets(table);
  const foreignKeys = table.constraints
    .filter((constraint): constraint is ConstraintSnapshot & { foreign_key: NonNullable<ConstraintSnapshot["foreign_key"]> } =>
      Boolean(constraint.type === "foreign key" && constraint.foreign_key),
    )
    .map((constraint) => ({ constraint, referenced: splitQualifiedName(constraint.foreign_key.table) }))
    .filter(({ referenced }) => referenced?.length === 2 && referenced[0] === table.schema)
    .sort((a, b) => compareText(a.constraint.name, b.constraint.name));
  return {
    kind: "tuple",
    items: foreignKeys.map(({ constraint, referenced }) =>
      tsObject([
        { key: "foreignKeyName", type: stringLiteral(constraint.name) },
        { key: "columns", type: stringTuple(constraint.columns) },
        { key: "isOneToOne", type: String(uniqueKeys.some((key) => sameSet(key, constraint.columns))) },
        { key: "referencedRelation", type: stringLiteral(referenced?.[1] ?? "") },
        { key: "referencedColumns", type: stringTuple(constraint.foreign_key.columns) },
      ]),
    ),
  };
}

/** The column sets that are unique in a table: primary key, unique constraints, full unique indexes on plain columns. */
function uniqueColumnSets(table: TableSnapshot): string[][] {
  const sets = table.constraints
    .filter((constraint) => constraint.type === "primary key" || constraint.type === "unique")
    .map((constraint) => constraint.columns);
  for (const index of table.indexes) {
    if (!index.is_unique || !index.is_valid || index.predicate !== null) continue;
    const columns = indexColumns(index.definition);
    if (columns) sets.push(columns);
  }
  return sets.filter((columns) => columns.length > 0);
}

/**
 * The key columns of `CREATE UNIQUE INDEX … USING method (a, "B", c DESC)` when every key is a
 * plain column (with an order, collation or operator class); null when one is an expression.
 */
export function indexColumns(definition: string): string[] | null {
  const using = / USING \S+ \(/.exec(definition);
  if (!using) return null;
  let depth = 1;
  let quote: string | null = null;
  let end = using.index + using[0].length;
  for (; end < definition.length && depth > 0; end++) {
    const char = definition[end];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
  }
  const keys = definition.slice(using.index + using[0].length, end - 1);
  const columns: string[] = [];
  for (const key of splitKeys(keys)) {
    const match = /^("(?:[^"]|"")*"|[a-z_][a-z0-9_$]*)(?:\s|$)/.exec(key.trim());
    if (!match?.[1]) return null;
    const name = match[1];
    columns.push(name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name);
  }
  return columns;
}

function splitKeys(keys: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < keys.length; i++) {
    const char = keys[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "," && depth === 0) {
      parts.push(keys.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(keys.slice(start));
  return parts;
}

function stringTuple(values: readonly string[]): string {
  return `[${values.map(stringLiteral).join(", ")}]`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((value) => set.has(value));
}
