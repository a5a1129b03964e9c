import { NameResolver } from "../../analyze/name-resolver.js";
import type { ObjectKind, ObjectRef } from "../../model/analysis.js";
import type { Snapshot } from "../../model/snapshot.js";
import { plural } from "../../util/plural.js";
import type { Check, VerifyContext } from "../check.js";
import { limitDetails } from "../limit-details.js";
import { migrationsOfRun } from "../migrations-of-run.js";

const id = "objects.expected";

/** One object an applied migration creates and no later applied migration drops. */
interface ExpectedObject {
  ref: ObjectRef;
  /** Its place among the applied migrations. */
  index: number;
  version: string;
}

/** The kinds whose objects the snapshot lists; others (columns, roles) are not checked. */
const checkableKinds = new Set<ObjectKind>([
  ...["schema", "table", "view", "materialized_view", "index", "sequence", "function", "procedure"],
  ...["trigger", "policy", "type", "enum", "domain", "extension", "constraint"],
] as ObjectKind[]);
/** Kinds named under their table: `schema.table.member`. */
const memberKinds = new Set<ObjectRef["kind"]>(["column", "constraint", "trigger", "policy"]);

/** A rename of a relation or type applies to the objects of the same name space. */
function sameNamespace(a: ObjectRef["kind"], b: ObjectRef["kind"]): boolean {
  const space = (kind: ObjectRef["kind"]) =>
    ["table", "view", "materialized_view", "sequence", "index"].includes(kind)
      ? "relation"
      : ["type", "enum", "domain"].includes(kind)
        ? "type"
        : kind;
  return space(a) === space(b);
}

/** Objects PostgreSQL drops along with a table, column, type or function they depend on. */
const dependentKinds = new Set<ObjectKind>(["index", "constraint", "sequence", "trigger"]);
/** What they depend on: a later drop of one of these in their schema may have taken them along. */
const dependedOnKinds = new Set<ObjectKind>([
  "table",
  "view",
  "materialized_view",
  "column",
  "function",
  "procedure",
  "type",
  "enum",
  "domain",
]);
/** One name space per group, as in PostgreSQL: a view and a table cannot share a name. */
const nameSpaces: Partial<Record<ObjectKind, string>> = {
  view: "table",
  materialized_view: "table",
  sequence: "table",
  index: "table",
  enum: "type",
  domain: "type",
  procedure: "function",
};
/** Where a snapshot lists each kind, by the set `namesOf` builds. */
const snapshotListOf: Partial<Record<ObjectKind, string>> = { enum: "type", domain: "type", procedure: "function" };

const withoutSignature = (name: string) => name.replace(/\(.*$/s, "");
const keyOf = (ref: ObjectRef) => `${nameSpaces[ref.kind] ?? ref.kind}:${withoutSignature(ref.name)}`;
const schemaOf = (ref: ObjectRef) => (ref.kind === "schema" ? ref.name : ref.name.slice(0, ref.name.indexOf(".")));
const ownName = (ref: ObjectRef) => ref.name.slice(ref.name.lastIndexOf(".") + 1);

/** True when dropping `dropped` removes `ref`: the same object, or something named under it. */
function removes(dropped: ObjectRef, ref: ObjectRef): boolean {
  if (keyOf(dropped) === keyOf(ref)) return true;
  // DROP TYPE names an enum or a domain as a type (and DROP TABLE a partition as a table).
  if (dropped.name === ref.name && sameNamespace(dropped.kind, ref.kind)) return true;
  if (dropped.kind === "schema") return ref.kind !== "extension" && ref.kind !== "role" && schemaOf(ref) === dropped.name;
  const ownsParts = dropped.kind === "table" || dropped.kind === "view" || dropped.kind === "materialized_view";
  return ownsParts && ["column", "constraint", "trigger", "policy"].includes(ref.kind) && ref.name.startsWith(`${dropped.name}.`);
}

/** The names of each kind of object in the snapshot, as the plan spells them. */
function namesOf(after: Snapshot): Map<string, Set<string>> {
  const sets = new Map<string, Set<string>>();
  const add = (kind: string, name: string) => sets.set(kind, (sets.get(kind) ?? new Set()).add(name));
  for (const schema of after.schemas) add("schema", schema.name);
  for (const extension of after.extensions) add("extension", extension.name);
  for (const type of after.types) {
    add("type", `${type.schema}.${type.name}`);
    if (type.kind === "domain")
      for (const constraint of type.constraints) add("constraint", `${type.schema}.${type.name}.${constraint.name}`);
  }
  for (const sequence of after.sequences) add("sequence", `${sequence.schema}.${sequence.name}`);
  for (const routine of after.functions) add("function", `${routine.schema}.${routine.name}`);
  for (const view of after.views) add(view.kind === "view" ? "view" : "materialized_view", `${view.schema}.${view.name}`);
  for (const relation of [...after.tables, ...after.views]) {
    const qualified = `${relation.schema}.${relation.name}`;
    for (const index of relation.indexes) add("index", `${relation.schema}.${index.name}`);
    for (const trigger of relation.triggers) add("trigger", `${qualified}.${trigger.name}`);
  }
  for (const table of after.tables) {
    const qualified = `${table.schema}.${table.name}`;
    add("table", qualified);
    for (const policy of table.policies) add("policy", `${qualified}.${policy.name}`);
    for (const constraint of table.constraints) add("constraint", `${qualified}.${constraint.name}`);
    // Identity sequences are left out of snapshots; the plan names them as PostgreSQL does.
    for (const column of table.columns) {
      if (column.identity) add("sequence", `${table.schema}.${`${table.name}_${column.name}_seq`.slice(0, 63)}`);
    }
  }
  return sets;
}

/**
 * Every object the applied migrations create, and no later applied migration drops, exists
 * afterwards. The plan's `creates` and `drops` of each applied migration are replayed in order;
 * dropping a table or view also drops its columns, constraints, triggers and policies, and
 * dropping a schema everything in it. Only kinds a snapshot lists are checked, in the schemas
 * it read (extensions everywhere). Not checkable, and counted apart: other kinds (columns,
 * roles), other schemas, objects a migration both creates and drops (the plan does not say in
 * which order), index and constraint names of 63 bytes (PostgreSQL shortens a long implicit
 * name its own way), and an index, constraint, sequence or trigger missing after a later
 * migration dropped a table, column, type or function of its schema (PostgreSQL may have
 * dropped it along). Skipped without a plan.
 */
export const objectsExpected: Check = {
  id,
  description: "every object the plan says is created exists afterwards",
  async run(context) {
    if (!context.plan) {
      return { id, status: "skip", summary: "no plan: nothing says which objects should exist", observed: {}, details: [] };
    }
    const runs = migrationsOfRun(context);
    const expected = new Map<string, ExpectedObject>();
    const ambiguous: ExpectedObject[] = [];
    runs.forEach(({ planned }, index) => {
      for (const dropped of planned.drops) {
        for (const [key, object] of expected) if (removes(dropped, object.ref)) expected.delete(key);
      }
      // A renamed or moved object is still expected, under its new name; so are the parts named under it.
      for (const rename of planned.renames ?? []) {
        for (const [key, object] of [...expected]) {
          const name = object.ref.name;
          const renamed = name === rename.from && sameNamespace(object.ref.kind, rename.kind);
          // A role's name is bare like a schema's, but nothing is named under it: renaming role
          // `app` leaves the columns of tables in schema `app` where they are.
          const member =
            name.startsWith(`${rename.from}.`) && rename.kind !== "role" && (rename.kind === "schema" || memberKinds.has(object.ref.kind));
          if (!renamed && !member) continue;
          expected.delete(key);
          const ref = { kind: object.ref.kind, name: `${rename.to}${name.slice(rename.from.length)}` };
          expected.set(keyOf(ref), { ...object, ref });
        }
      }
      for (const ref of planned.creates) {
        const object = { ref, index, version: planned.version };
        if (planned.drops.some((dropped) => removes(dropped, ref))) ambiguous.push(object);
        else expected.set(keyOf(ref), object);
      }
    });
    const present = namesOf(context.after);
    const readSchemas = new Set(context.after.source.schemas);
    const laterDrops = (object: ExpectedObject) =>
      runs.slice(object.index + 1).flatMap(({ planned }) => planned.drops.filter((dropped) => dependedOnKinds.has(dropped.kind)));
    let found = 0;
    let notCheckable = ambiguous.length;
    let missingObjects: ExpectedObject[] = [];
    for (const object of expected.values()) {
      const { ref } = object;
      const truncated = (ref.kind === "index" || ref.kind === "constraint") && Buffer.byteLength(ownName(ref)) >= 63;
      const inScope = ref.kind === "extension" || readSchemas.has(schemaOf(ref));
      if (!checkableKinds.has(ref.kind) || !inScope || truncated) {
        notCheckable++;
      } else if (present.get(snapshotListOf[ref.kind] ?? ref.kind)?.has(withoutSignature(ref.name))) {
        found++;
      } else if (dependentKinds.has(ref.kind) && laterDrops(object).some((dropped) => schemaOf(dropped) === schemaOf(ref))) {
        notCheckable++;
      } else {
        missingObjects.push(object);
      }
    }
    // The plan put unqualified names in the first schema of project.search_path; a session
    // whose search_path creates them elsewhere (preflight.search_path) leaves those unfound here.
    const planned = new NameResolver([...context.config.project.search_path]).creationSchema;
    const elsewhere = missingObjects.length > 0 ? await creationSchemaElsewhere(context, planned) : null;
    const unlocated = elsewhere ? missingObjects.filter((object) => schemaOf(object.ref) === planned) : [];
    notCheckable += unlocated.length;
    missingObjects = missingObjects.filter((object) => !unlocated.includes(object));
    const missing = missingObjects.map(
      ({ ref, version }) => `${ref.kind.replace("_", " ")} ${ref.name} (created by ${version}) does not exist`,
    );
    const observed = {
      expected: expected.size + ambiguous.length,
      present: found,
      missing: missing.length,
      not_checkable: notCheckable,
      ...(elsewhere ? { session_creates_in: elsewhere, plan_creates_in: planned, not_found_in_plan_schema: unlocated.length } : {}),
    };
    const created = `${plural(observed.expected, "object")} the applied migrations create`;
    const aside = notCheckable > 0 ? ` (${notCheckable} not checkable)` : "";
    const located =
      unlocated.length > 0
        ? [
            `${plural(unlocated.length, "object")} the plan puts in ${planned} not found there: this session creates unqualified objects in ${elsewhere} (search_path differs from project.search_path; see preflight.search_path), so they were not checked: ${unlocated
              .slice(0, 5)
              .map(({ ref }) => ref.name)
              .join(", ")}${unlocated.length > 5 ? ", …" : ""}`,
          ]
        : [];
    if (missing.length === 0 && located.length > 0) {
      return {
        id,
        status: "warn",
        summary: `${created}: ${found} present${aside}, none missing where it could be checked`,
        observed,
        details: located,
      };
    }
    if (missing.length === 0) {
      return { id, status: "pass", summary: `${created}: ${found} present${aside}, none missing`, observed, details: [] };
    }
    return {
      id,
      status: "fail",
      summary: `${missing.length} of ${created} missing${aside}`,
      observed,
      details: limitDetails([...located, ...missing]),
    };
  },
};

/** The schema this session creates unqualified objects in, when it is not the plan's; else null. */
async function creationSchemaElsewhere(context: VerifyContext, planned: string): Promise<string | null> {
  const [row] = await context.engine.query<{ schema: string | null }>("SELECT pg_catalog.current_schema()::text AS schema");
  const schema = row?.schema ?? null;
  return schema !== null && schema !== planned ? schema : null;
}
