import type { ColumnSnapshot, CompositeTypeSnapshot, Snapshot, TableSnapshot, TypeSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { compareText, sortBy } from "../snapshot/assemble-snapshot.js";

type Named = { name: string };
type SchemaNamed = { schema: string; name: string };

const keyOf = (object: SchemaNamed): string => `${object.schema}.${object.name}`;

/**
 * The schema a database shaped like `from` has after the safe SQL of `generateDiffSql(from, to,
 * { safe: true })`: `to`, plus every object of `from` that `to` lacks, since the safe SQL leaves
 * out exactly those drops (the statements marked `-- destructive:`: tables, columns, constraints,
 * indexes, triggers, policies, views, routines, sequences, types and their attributes,
 * extensions, schemas). What both have takes `to`'s shape, as the safe SQL alters it. A bridge's
 * down is the SQL from this schema back to `from`, so it undoes what its up did and nothing
 * more. Columns and a composite type's attributes keep `from`'s places, with `to`'s new ones
 * after them, as `ADD COLUMN` appends. Statistics are `to`'s. Pure.
 */
export function schemaAfterSafeDiff(from: Snapshot, to: Snapshot): Snapshot {
  const bySchemaAndName = <T extends SchemaNamed>(items: readonly T[]) => sortBy(items, (item) => [item.schema, item.name]);
  const byName = <T extends Named>(items: readonly T[]) => [...items].sort((a, b) => compareText(a.name, b.name));
  return {
    ...to,
    schemas: byName(union(to.schemas, from.schemas, (schema) => schema.name)),
    extensions: byName(union(to.extensions, from.extensions, (extension) => extension.name)),
    types: bySchemaAndName(merge(to.types, from.types, keyOf, keptAttributes)),
    sequences: bySchemaAndName(union(to.sequences, from.sequences, keyOf)),
    tables: bySchemaAndName(merge(to.tables, from.tables, keyOf, keptTableParts)),
    views: bySchemaAndName(merge(to.views, from.views, keyOf, keptViewParts)),
    functions: sortBy(
      union(to.functions, from.functions, (fn) => fn.signature),
      (fn) => [fn.schema, fn.name, fn.signature],
    ),
  };
}

/** `to`'s items and the items of `from` that `to` lacks. */
function union<T>(to: readonly T[], from: readonly T[], key: (item: T) => string): T[] {
  return merge(to, from, key, (_was, is) => is);
}

/** Like `union`, an item both have being `to`'s with what `keep` brings back from `from`'s. */
function merge<T>(to: readonly T[], from: readonly T[], key: (item: T) => string, keep: (was: T, is: T) => T): T[] {
  const before = new Map(from.map((item) => [key(item), item]));
  const present = new Set(to.map(key));
  return [
    ...to.map((item) => {
      const was = before.get(key(item));
      return was ? keep(was, item) : item;
    }),
    ...from.filter((item) => !present.has(key(item))),
  ];
}

function sortedUnion<T extends Named>(to: readonly T[], from: readonly T[]): T[] {
  return union(to, from, (item) => item.name).sort((a, b) => compareText(a.name, b.name));
}

/**
 * Items with a place (`position`): `from`'s in its order, each as `to` has it when `to` has it,
 * then `to`'s new ones in their order, numbered again from 1.
 */
function placed<T extends Named & { position: number }>(to: readonly T[], from: readonly T[]): T[] {
  const after = new Map(to.map((item) => [item.name, item]));
  const inOrder = (items: readonly T[]) => [...items].sort((a, b) => a.position - b.position);
  const kept = inOrder(from).map((item) => after.get(item.name) ?? item);
  const names = new Set(kept.map((item) => item.name));
  const added = inOrder(to).filter((item) => !names.has(item.name));
  return [...kept, ...added].map((item, index) => ({ ...item, position: index + 1 })).sort((a, b) => compareText(a.name, b.name));
}

function keptColumns(to: readonly ColumnSnapshot[], from: readonly ColumnSnapshot[]): ColumnSnapshot[] {
  return from.every((column) => to.some((other) => other.name === column.name)) ? [...to] : placed(to, from);
}

function keptTableParts(was: TableSnapshot, is: TableSnapshot): TableSnapshot {
  return {
    ...is,
    columns: keptColumns(is.columns, was.columns),
    constraints: sortedUnion(is.constraints, was.constraints),
    indexes: sortedUnion(is.indexes, was.indexes),
    triggers: sortedUnion(is.triggers, was.triggers),
    policies: sortedUnion(is.policies, was.policies),
  };
}

function keptViewParts(was: ViewSnapshot, is: ViewSnapshot): ViewSnapshot {
  return { ...is, indexes: sortedUnion(is.indexes, was.indexes), triggers: sortedUnion(is.triggers, was.triggers) };
}

function keptAttributes(was: TypeSnapshot, is: TypeSnapshot): TypeSnapshot {
  if (was.kind !== "composite" || is.kind !== "composite") return is;
  const attributes: CompositeTypeSnapshot["attributes"] = placed(is.attributes, was.attributes);
  return { ...is, attributes };
}
