import { isDeepStrictEqual } from "node:util";
import type { ColumnSnapshot, GrantSnapshot, Snapshot, SnapshotDifference, SnapshotObjectKind } from "../model/snapshot.js";
import { compareText } from "./assemble-snapshot.js";

export interface CompareSnapshotsOptions {
  /**
   * Leave out column positions. A down migration that re-adds a dropped column puts it last;
   * PostgreSQL has no way to put it back in its place, so a rollback drill may accept that.
   */
  ignoreColumnOrder?: boolean;
}

/** One object of a snapshot, with the attributes a comparison looks at. */
interface Entry {
  kind: SnapshotObjectKind;
  name: string;
  /** The key of the object it belongs to: when that one is missing or extra, this is not reported. */
  parent: string | null;
  attributes: Record<string, unknown>;
}

const kindOrder: SnapshotObjectKind[] = [
  "schema",
  "extension",
  "type",
  "sequence",
  "table",
  "view",
  "function",
  "column",
  "constraint",
  "index",
  "trigger",
  "policy",
  "grant",
];

const keyOf = (kind: SnapshotObjectKind, name: string): string => `${kind}\u0000${name}`;

/** The fields of an object minus its identity and its children. */
function attributesOf(object: object, leaveOut: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([field]) => !leaveOut.includes(field)));
}

/** Flattens a snapshot into its objects, keyed by kind and qualified name. */
function entriesOf(snapshot: Snapshot, options: CompareSnapshotsOptions): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const add = (kind: SnapshotObjectKind, name: string, parent: string | null, attributes: Record<string, unknown>): string => {
    const key = keyOf(kind, name);
    entries.set(key, { kind, name, parent, attributes });
    return key;
  };
  const addGrants = (objectName: string, parent: string, grants: readonly GrantSnapshot[]) => {
    for (const grant of grants) {
      add("grant", `${objectName}: ${grant.privilege} to ${grant.grantee}`, parent, { grantable: grant.grantable });
    }
  };
  const addColumns = (relation: string, parent: string, columns: readonly ColumnSnapshot[]) => {
    for (const column of columns) {
      const name = `${relation}.${column.name}`;
      const leaveOut = options.ignoreColumnOrder ? ["name", "grants", "position"] : ["name", "grants"];
      addGrants(name, add("column", name, parent, attributesOf(column, leaveOut)), column.grants);
    }
  };
  const identity = ["schema", "name", "grants"];

  for (const schema of snapshot.schemas) {
    addGrants(schema.name, add("schema", schema.name, null, attributesOf(schema, identity)), schema.grants);
  }
  for (const extension of snapshot.extensions) add("extension", extension.name, null, attributesOf(extension, ["name"]));
  for (const type of snapshot.types) add("type", `${type.schema}.${type.name}`, null, attributesOf(type, identity));
  for (const sequence of snapshot.sequences) {
    const name = `${sequence.schema}.${sequence.name}`;
    addGrants(name, add("sequence", name, null, attributesOf(sequence, identity)), sequence.grants);
  }
  for (const table of snapshot.tables) {
    const name = `${table.schema}.${table.name}`;
    const children = ["columns", "constraints", "indexes", "triggers", "policies"];
    const key = add("table", name, null, attributesOf(table, [...identity, ...children]));
    addColumns(name, key, table.columns);
    for (const constraint of table.constraints) add("constraint", `${name}.${constraint.name}`, key, attributesOf(constraint, ["name"]));
    for (const index of table.indexes) add("index", `${table.schema}.${index.name}`, key, attributesOf(index, ["name"]));
    for (const trigger of table.triggers) add("trigger", `${name}.${trigger.name}`, key, attributesOf(trigger, ["name"]));
    for (const policy of table.policies) add("policy", `${name}.${policy.name}`, key, attributesOf(policy, ["name"]));
    addGrants(name, key, table.grants);
  }
  for (const view of snapshot.views) {
    const name = `${view.schema}.${view.name}`;
    const key = add("view", name, null, attributesOf(view, [...identity, "columns", "indexes", "triggers"]));
    addColumns(name, key, view.columns);
    for (const index of view.indexes) add("index", `${view.schema}.${index.name}`, key, attributesOf(index, ["name"]));
    for (const trigger of view.triggers) add("trigger", `${name}.${trigger.name}`, key, attributesOf(trigger, ["name"]));
    addGrants(name, key, view.grants);
  }
  for (const fn of snapshot.functions) {
    addGrants(fn.signature, add("function", fn.signature, null, attributesOf(fn, [...identity, "signature"])), fn.grants);
  }
  return entries;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Attribute differences; objects present on both sides are compared field by field (`rls.enabled`). */
function attributeDifferences(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ""): [string, unknown, unknown][] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.flatMap((field): [string, unknown, unknown][] => {
    const [a, b] = [before[field] ?? null, after[field] ?? null];
    if (isPlainObject(a) && isPlainObject(b)) return attributeDifferences(a, b, `${prefix}${field}.`);
    return isDeepStrictEqual(a, b) ? [] : [[`${prefix}${field}`, a, b]];
  });
}

/**
 * The real differences between two snapshots, `a` the expected one (a rollback drill's "before")
 * and `b` the one found. Statistics and the source (engine, server version) are never compared;
 * a snapshot holds no OIDs. An object missing or extra is reported once, without its columns,
 * constraints and other parts. A `definition` (the text `pg_get_*def` prints) is reported only
 * when no other attribute of the object differs, since it repeats them. Sorted by name, then kind.
 */
export function compareSnapshots(a: Snapshot, b: Snapshot, options: CompareSnapshotsOptions = {}): SnapshotDifference[] {
  const [before, after] = [entriesOf(a, options), entriesOf(b, options)];
  const differences: SnapshotDifference[] = [];
  for (const [key, entry] of before) {
    const found = after.get(key);
    if (!found) {
      if (!entry.parent || after.has(entry.parent)) differences.push({ kind: entry.kind, name: entry.name, change: "missing" });
      continue;
    }
    const changed = attributeDifferences(entry.attributes, found.attributes);
    const specific = changed.filter(([attribute]) => attribute !== "definition");
    for (const [attribute, was, is] of specific.length > 0 ? specific : changed) {
      differences.push({ kind: entry.kind, name: entry.name, change: "changed", attribute, before: was, after: is });
    }
  }
  for (const [key, entry] of after) {
    if (before.has(key)) continue;
    if (!entry.parent || before.has(entry.parent)) differences.push({ kind: entry.kind, name: entry.name, change: "extra" });
  }
  return differences.sort(
    (x, y) =>
      compareText(x.name, y.name) ||
      kindOrder.indexOf(x.kind) - kindOrder.indexOf(y.kind) ||
      compareText(x.attribute ?? "", y.attribute ?? ""),
  );
}

/** True when two snapshots have no real difference (see `compareSnapshots`). */
export function snapshotsEqual(a: Snapshot, b: Snapshot, options: CompareSnapshotsOptions = {}): boolean {
  return compareSnapshots(a, b, options).length === 0;
}
