import { extensionProvides } from "../analyze/catalog/builtin-names.js";
import { extensionRequires } from "../analyze/catalog/extension-objects.js";
import type { NamedRef } from "../analyze/name-resolver.js";
import type { ObjectKind, ObjectRef } from "../model/analysis.js";

/** Where a known object comes from. */
export type ObjectOrigin =
  | { source: "prelude" | "external" | "target" | "preset" }
  | { source: "migration"; version: string; file: string; line: number; column: number };

export interface KnownObject extends ObjectRef {
  origin: ObjectOrigin;
  /** Keys of the objects it needs (a view's tables, an index's table): dropped with them on CASCADE. */
  dependsOn: string[];
}

/** PostgreSQL's name spaces: relations share pg_class, types pg_type, routines pg_proc. */
const namespaces: Record<ObjectKind, string> = {
  table: "rel",
  view: "rel",
  materialized_view: "rel",
  index: "rel",
  sequence: "rel",
  type: "type",
  enum: "type",
  domain: "type",
  function: "proc",
  procedure: "proc",
  column: "column",
  constraint: "constraint",
  trigger: "trigger",
  policy: "policy",
  schema: "schema",
  extension: "extension",
  role: "role",
};

/**
 * What DROP … CASCADE takes along (pg_depend's normal dependencies): views, policies, triggers,
 * constraints and indexes that use the dropped object, and columns and routines only when a type
 * they use is dropped. A table is never dropped because a foreign key points at a dropped one:
 * only the constraint goes.
 */
function cascadesTo(kind: ObjectKind, dependency: string): boolean {
  if (kind === "column" || kind === "function" || kind === "procedure") return dependency.startsWith("type:");
  return ["view", "materialized_view", "policy", "trigger", "constraint", "index"].includes(kind);
}

/** The registry key of an object: name space and full name (functions with their signature). */
export function keyOf(ref: ObjectRef): string {
  return `${namespaces[ref.kind]}:${ref.name}`;
}

function withoutSignature(name: string): string {
  return name.replace(/\(.*$/s, "");
}

/**
 * The objects that exist at a point of the migration sequence: replayed statement by statement
 * with creates, drops (with what hangs off a dropped object, and on CASCADE what depends on it),
 * renames and moves, and the contents of created extensions.
 */
export class ObjectRegistry {
  private readonly objects = new Map<string, KnownObject>();
  /** `proc:schema.name` → keys of its overloads, since a call names a function without its arguments. */
  private readonly routinesByName = new Map<string, Set<string>>();

  add(ref: ObjectRef, origin: ObjectOrigin, dependsOn: string[] = []): void {
    const key = keyOf(ref);
    this.objects.set(key, { ...ref, origin, dependsOn });
    if (namespaces[ref.kind] === "proc") {
      const byName = `proc:${withoutSignature(ref.name)}`;
      const overloads = this.routinesByName.get(byName) ?? new Set<string>();
      overloads.add(key);
      this.routinesByName.set(byName, overloads);
    }
  }

  /** The known object a reference names, trying `search_path` for unqualified names; null if none. */
  find(ref: NamedRef): KnownObject | null {
    const bare = ref.name.slice(ref.name.indexOf(".") + 1);
    const candidates = ref.searchPath
      ? ref.searchPath.filter((schema) => schema !== "$user").map((schema) => ({ ...ref, name: `${schema}.${bare}` }))
      : [ref];
    for (const candidate of candidates) {
      const found = this.lookup(candidate);
      if (found) return found;
    }
    return null;
  }

  private lookup(ref: ObjectRef): KnownObject | null {
    const namespace = namespaces[ref.kind];
    if (namespace === "proc") {
      const exact = this.objects.get(keyOf(ref));
      if (exact) return exact;
      const [first] = this.routinesByName.get(`proc:${withoutSignature(ref.name)}`) ?? [];
      return first ? (this.objects.get(first) ?? null) : null;
    }
    const found = this.objects.get(keyOf(ref));
    if (found) return found;
    // A table's row type is a type too; a schema-level name may be written as a relation.
    if (namespace === "type") return this.objects.get(`rel:${ref.name}`) ?? null;
    return null;
  }

  /**
   * Removes an object, what is named under it (a schema's objects; a table's columns, triggers,
   * policies, indexes), and with cascade its dependents; returns everything it removed.
   */
  remove(ref: ObjectRef, options: { cascade: boolean }): KnownObject[] {
    const found = this.find(ref);
    const keys = found ? [keyOf(found)] : this.overloadKeys(ref);
    const removed = new Map<string, KnownObject>();
    for (const key of keys) this.removeKey(key, removed);
    if (ref.kind === "schema") for (const key of this.keysUnder(`${ref.name}.`)) this.removeKey(key, removed);
    if (ref.kind === "extension") this.removeExtension(ref.name, removed);
    if (!options.cascade) return [...removed.values()];
    let changed = true;
    while (changed) {
      changed = false;
      for (const [key, object] of this.objects) {
        if (object.dependsOn.some((dependency) => removed.has(dependency) && cascadesTo(object.kind, dependency))) {
          this.removeKey(key, removed);
          changed = true;
        }
      }
    }
    return [...removed.values()];
  }

  private overloadKeys(ref: ObjectRef): string[] {
    if (namespaces[ref.kind] !== "proc") return [];
    return [...(this.routinesByName.get(`proc:${withoutSignature(ref.name)}`) ?? [])];
  }

  private removeKey(key: string, removed: Map<string, KnownObject>): void {
    const object = this.objects.get(key);
    if (!object) return;
    this.objects.delete(key);
    removed.set(key, object);
    if (namespaces[object.kind] === "proc") this.routinesByName.get(`proc:${withoutSignature(object.name)}`)?.delete(key);
    if (namespaces[object.kind] === "rel") {
      for (const child of this.keysUnder(`${object.name}.`, ["column", "constraint", "trigger", "policy"])) this.removeKey(child, removed);
      for (const [otherKey, other] of this.objects) {
        if (other.kind === "index" && other.dependsOn.includes(key)) this.removeKey(otherKey, removed);
      }
    }
  }

  private keysUnder(prefix: string, onlyNamespaces?: string[]): string[] {
    const keys: string[] = [];
    for (const [key, object] of this.objects) {
      if (object.name.startsWith(prefix) && (!onlyNamespaces || onlyNamespaces.includes(namespaces[object.kind]))) keys.push(key);
    }
    return keys;
  }

  /** Moves an object and everything named under it to a new name (RENAME, SET SCHEMA). */
  rename(kind: ObjectKind, from: string, to: string): void {
    const found = this.find({ kind, name: from });
    if (!found) return;
    const moves: Array<[string, KnownObject]> = [[keyOf(found), { ...found, name: to }]];
    if (namespaces[kind] === "rel" || kind === "schema") {
      for (const key of this.keysUnder(`${found.name}.`)) {
        const object = this.objects.get(key);
        if (object) moves.push([key, { ...object, name: `${to}.${object.name.slice(found.name.length + 1)}` }]);
      }
    }
    for (const [oldKey, object] of moves) {
      this.removeKey(oldKey, new Map());
      this.add(object, object.origin, object.dependsOn);
    }
  }

  /** Adds what an extension installs (and, as CASCADE would, what the extensions it requires install). */
  addExtension(name: string, schema: string, origin: ObjectOrigin, seen = new Set<string>()): void {
    if (seen.has(name)) return;
    seen.add(name);
    this.add({ kind: "extension", name }, origin);
    const provided = extensionProvides(name);
    if (provided) {
      for (const fn of provided.functions) this.add({ kind: "function", name: `${schema}.${fn}` }, origin, [`extension:${name}`]);
      for (const type of provided.types) this.add({ kind: "type", name: `${schema}.${type}` }, origin, [`extension:${name}`]);
      for (const relation of provided.relations) this.add({ kind: "table", name: `${schema}.${relation}` }, origin, [`extension:${name}`]);
    }
    for (const required of extensionRequires[name] ?? []) {
      if (!this.objects.has(`extension:${required}`)) this.addExtension(required, schema, origin, seen);
    }
  }

  private removeExtension(name: string, removed: Map<string, KnownObject>): void {
    for (const [key, object] of this.objects) {
      if (object.dependsOn.includes(`extension:${name}`)) this.removeKey(key, removed);
    }
  }

  /** Every known object (for fingerprints and tests). */
  all(): KnownObject[] {
    return [...this.objects.values()];
  }
}
