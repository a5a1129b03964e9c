import { type LockMode, lockModes } from "../model/analysis.js";
import type { PlannedMigration } from "../model/plan.js";
import type { CatalogChanges, CatalogDigest } from "../snapshot/read-catalog-digest.js";
import type { HeldLock } from "./read-held-locks.js";

/** Kinds whose creation and removal the plan names reliably (implicit indexes, sequences and constraints it only approximates). */
const comparedKinds = new Set([
  "table",
  "view",
  "materialized_view",
  "function",
  "procedure",
  "schema",
  "enum",
  "domain",
  "policy",
  "trigger",
  "extension",
]);
/** Table-like relations: locks on indexes and sequences follow their table's. */
const tableLike = new Set(["r", "p", "v", "m", "f"]);
const relationKinds = ["table", "view", "materialized_view"];
/** The weakest mode a reviewer cares about: SHARE blocks writes, and everything stronger more. */
const significant = lockModes.indexOf("ShareLock");

/**
 * Where a migration's measured behaviour differs from the plan's prediction (SPEC §7 Rehearse
 * step 4), one readable line each:
 * - a lock of SHARE or stronger held on a relation that existed before the migration, stronger
 *   than predicted (or not predicted at all), and a predicted lock of that strength never taken;
 * - a table, view, function, schema, type, policy, trigger or extension created or dropped that
 *   the plan did not foresee, or foreseen and not done.
 * Weaker locks (FK checks take ROW SHARE on parents, say) and derived names are not compared.
 */
export function comparePrediction(
  planned: PlannedMigration,
  /** null when the locks could not be measured (a statement-by-statement migration). */
  held: readonly HeldLock[] | null,
  changes: CatalogChanges,
  before: CatalogDigest,
): string[] {
  const mismatches: string[] = [];
  const beforeKeys = new Set([...before.keys()].map(normalize));
  const existedBefore = (relation: string) => relationKinds.some((kind) => beforeKeys.has(`${kind} ${relation}`));
  const predicted = new Map(planned.locks.map((lock) => [lock.relation, lock.mode]));
  // pg_locks names a renamed relation by its new name; the prediction by the name the SQL used.
  const renamedTo = new Map((planned.renames ?? []).map((rename) => [rename.to, rename.from]));
  const nameBefore = (relation: string) => renamedTo.get(relation) ?? relation;
  const heldByRelation = new Map((held ?? []).map((lock) => [nameBefore(lock.relation), lock]));
  const droppedNow = new Set(changes.dropped.map(normalize));
  for (const lock of held ?? []) {
    const relation = nameBefore(lock.relation);
    if (!tableLike.has(lock.relkind) || !existedBefore(relation) || strength(lock.mode) < significant) continue;
    const expected = predicted.get(relation);
    if (expected === undefined) mismatches.push(`held ${lock.mode} on ${relation}, which the plan did not predict`);
    else if (strength(lock.mode) > strength(expected)) mismatches.push(`held ${lock.mode} on ${relation}; the plan predicted ${expected}`);
  }
  for (const [relation, mode] of predicted) {
    if (held === null || strength(mode) < significant || !existedBefore(relation) || heldByRelation.has(relation)) continue;
    // A relation the migration dropped has left pg_locks with its catalog row.
    if (relationKinds.some((kind) => droppedNow.has(`${kind} ${relation}`))) continue;
    mismatches.push(`the plan predicted ${mode} on ${relation}, but the migration took no lock on it`);
  }
  // A rename reads as a drop of the old name and a creation of the new one.
  const renames = planned.renames ?? [];
  const plannedCreates = new Set([
    ...planned.creates.map((object) => keyOf(object.kind, object.name)),
    ...renames.map((r) => keyOf(r.kind, r.to)),
  ]);
  const plannedDrops = new Set([
    ...planned.drops.map((object) => keyOf(object.kind, object.name)),
    ...(planned.cascades ?? []).map((object) => keyOf(object.kind, object.name)),
    ...renames.map((r) => keyOf(r.kind, r.from)),
  ]);
  // A dropped table or view takes its policies and triggers along, which the plan does not list.
  const droppedRelations = new Set(
    [...planned.drops, ...(planned.cascades ?? [])].filter((object) => relationKinds.includes(object.kind)).map((object) => object.name),
  );
  const goesWithItsRelation = (key: string) => {
    const name = key.slice(key.indexOf(" ") + 1);
    return ["policy", "trigger"].includes(key.slice(0, key.indexOf(" "))) && droppedRelations.has(name.slice(0, name.lastIndexOf(".")));
  };
  const created = new Set(changes.created.map(normalize));
  const dropped = new Set(changes.dropped.map(normalize));
  for (const key of created)
    if (isCompared(key) && !plannedCreates.has(key)) mismatches.push(`created ${key}, which the plan did not predict`);
  for (const key of plannedCreates) {
    // CREATE … IF NOT EXISTS and CREATE OR REPLACE of an object that was already there create nothing.
    if (isCompared(key) && !created.has(key) && !beforeKeys.has(key) && !plannedDrops.has(key))
      mismatches.push(`the plan predicted it creates ${key}, but it did not`);
  }
  for (const key of dropped) {
    if (isCompared(key) && !plannedDrops.has(key) && !goesWithItsRelation(key))
      mismatches.push(`dropped ${key}, which the plan did not predict`);
  }
  return mismatches;
}

function strength(mode: LockMode): number {
  return lockModes.indexOf(mode);
}

/**
 * `kind name` with a function's arguments left out (a call names a function without them), and
 * enums, domains and other types in one group (a rename of any of them says "type").
 */
function keyOf(kind: string, name: string): string {
  const group = kind === "procedure" ? "function" : kind === "enum" || kind === "domain" ? "type" : kind;
  return `${group} ${group === "function" ? name.replace(/\(.*$/, "") : name}`;
}

function normalize(key: string): string {
  const space = key.indexOf(" ");
  return keyOf(key.slice(0, space), key.slice(space + 1));
}

function isCompared(key: string): boolean {
  return comparedKinds.has(key.slice(0, key.indexOf(" ")));
}
