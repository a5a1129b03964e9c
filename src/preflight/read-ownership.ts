import type { Engine } from "../db/engine.js";
import type { ObjectKind, ObjectRef } from "../model/analysis.js";
import type { Plan } from "../model/plan.js";

/** Where PostgreSQL keeps an object's owner. */
type Category = "relation" | "function" | "type" | "schema" | "extension";

const categories: Partial<Record<ObjectKind, Category>> = {
  table: "relation",
  view: "relation",
  materialized_view: "relation",
  sequence: "relation",
  index: "relation",
  function: "function",
  procedure: "function",
  type: "type",
  enum: "type",
  domain: "type",
  schema: "schema",
  extension: "extension",
};
/** Named under their table (`schema.table.member`): changing them is changing the table. */
const memberKinds = new Set<ObjectKind>(["column", "constraint", "trigger", "policy"]);

/** An existing object a pending migration changes, and whether this session may. */
export interface Ownership {
  /** What the plan names: `table public.users`, `function public.f(integer)`. */
  object: string;
  /** The same without its kind, as SQL names it: `public.users`. */
  name: string;
  /** What the migration does to it: "alters", "drops", "renames", "adds a trigger to"… */
  action: string;
  version: string;
  owner: string;
  /** The current user is the owner, a member of the owner role, or a superuser (`pg_has_role(owner, 'USAGE')`). */
  owns: boolean;
  /** A table privilege that suffices instead of ownership: TRIGGER for a new trigger, REFERENCES for a foreign key to it. */
  privilege: TablePrivilege | null;
  /** The current user holds that privilege (`has_table_privilege`). */
  hasPrivilege: boolean;
}

type TablePrivilege = "TRIGGER" | "REFERENCES";

interface Wanted {
  category: Category;
  schema: string;
  name: string;
  args: string | null;
  kind: string;
  action: string;
  version: string;
  privilege: TablePrivilege | null;
}

function wanted(ref: ObjectRef, action: string, version: string): Wanted | null {
  const dot = ref.name.indexOf(".");
  if (memberKinds.has(ref.kind)) {
    const table = ref.name.slice(dot + 1, ref.name.lastIndexOf("."));
    const trigger = ref.kind === "trigger" && action === "creates";
    const memberAction = `${action} ${ref.kind} ${ref.name.slice(ref.name.lastIndexOf(".") + 1)} of`;
    const base = { category: "relation", schema: ref.name.slice(0, dot), name: table, args: null, kind: "table" } as const;
    return { ...base, action: memberAction, version, privilege: trigger ? "TRIGGER" : null };
  }
  const category = categories[ref.kind];
  if (!category) return null;
  if (category === "schema" || category === "extension") {
    return { category, schema: "", name: ref.name, args: null, kind: ref.kind, action, version, privilege: null };
  }
  const rest = ref.name.slice(dot + 1);
  const paren = category === "function" ? rest.indexOf("(") : -1;
  const name = paren >= 0 ? rest.slice(0, paren) : rest;
  const args = paren >= 0 ? rest.slice(paren) : null;
  return { category, schema: ref.name.slice(0, dot), name, args, kind: ref.kind, action, version, privilege: null };
}

/**
 * Tables a migration only locks, read from the predicted locks. PostgreSQL's lock table makes
 * two of them telling: SHARE is taken by CREATE INDEX alone (the table's owner only), and SHARE
 * ROW EXCLUSIVE, on a table the migration neither alters nor adds a trigger to, by a foreign
 * key that references it (REFERENCES on it, or ownership).
 */
function lockedOnly(migration: Plan["migrations"][number]): Wanted[] {
  const changed = new Set(
    [...migration.alters, ...migration.drops, ...migration.creates.filter((ref) => memberKinds.has(ref.kind))].map((ref) =>
      memberKinds.has(ref.kind) ? ref.name.slice(0, ref.name.lastIndexOf(".")) : ref.name,
    ),
  );
  const found: Wanted[] = [];
  for (const { relation, mode } of migration.locks) {
    if (changed.has(relation)) continue;
    const dot = relation.indexOf(".");
    const base = {
      category: "relation",
      schema: relation.slice(0, dot),
      name: relation.slice(dot + 1),
      args: null,
      kind: "table",
    } as const;
    if (mode === "ShareLock") found.push({ ...base, action: "creates an index on", version: migration.version, privilege: null });
    if (mode === "ShareRowExclusiveLock") {
      found.push({ ...base, action: "adds a foreign key referencing", version: migration.version, privilege: "REFERENCES" });
    }
  }
  return found;
}

/**
 * What the pending migrations change that exists before them: alters, drops, renames, tables
 * they add members or indexes to, and tables their foreign keys reference. One entry per object
 * and requirement; an object that needs its owner needs no privilege entry besides.
 */
function wantedOf(plan: Plan): Wanted[] {
  const seen = new Map<string, Wanted>();
  const objectOf = (entry: Wanted) => `${entry.category}:${entry.schema}.${entry.name}${entry.args ?? ""}`;
  for (const migration of plan.migrations) {
    if (!migration.pending) continue;
    const refs: [ObjectRef, string][] = [
      ...migration.alters.map((ref): [ObjectRef, string] => [ref, "alters"]),
      ...migration.drops.map((ref): [ObjectRef, string] => [ref, "drops"]),
      ...(migration.renames ?? []).map((rename): [ObjectRef, string] => [{ kind: rename.kind, name: rename.from }, "renames"]),
      ...migration.creates.filter((ref) => memberKinds.has(ref.kind)).map((ref): [ObjectRef, string] => [ref, "creates"]),
    ];
    const entries = [...refs.map(([ref, action]) => wanted(ref, action, migration.version)), ...lockedOnly(migration)];
    for (const entry of entries) {
      const key = entry && `${objectOf(entry)}:${entry.privilege ?? "owner"}`;
      if (entry && key && !seen.has(key)) seen.set(key, entry);
    }
  }
  const needsOwner = new Set([...seen.values()].filter((entry) => entry.privilege === null).map(objectOf));
  return [...seen.values()].filter((entry) => entry.privilege === null || !needsOwner.has(objectOf(entry)));
}

/**
 * The owners of the existing objects the pending migrations alter, drop or rename (and of the
 * tables they add columns, constraints, triggers, policies or indexes to, or reference in a
 * foreign key): in PostgreSQL only the owner (or a member of the owning role, or a superuser)
 * may, or for a trigger or a reference the holder of TRIGGER or REFERENCES on the table. Objects that do not exist yet are
 * left out: the migrations create them, so this user will own them.
 */
export async function readOwnership(engine: Engine, plan: Plan): Promise<Ownership[]> {
  const items = wantedOf(plan);
  if (items.length === 0) return [];
  const column = <K extends keyof Wanted>(key: K) => items.map((item) => item[key]);
  const rows = await engine.query<{ i: number; owner: string | null; owns: boolean | null; has_privilege: boolean | null }>(
    `WITH o AS (
       SELECT o.i, o.category, o.schema, o.name, o.args,
              CASE WHEN o.category = 'relation' THEN to_regclass(format('%I.%I', o.schema, o.name)) END AS relation
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS o(category, schema, name, args, i)
     ), owners AS (
       SELECT o.i, o.relation, CASE o.category
         WHEN 'relation' THEN (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = o.relation)
         -- By name, not to_regprocedure(): an argument type in a schema that does not exist yet
         -- (the migrations create it) makes that cast raise instead of returning NULL.
         WHEN 'function' THEN (SELECT p.proowner FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = o.schema AND p.proname = o.name
           ORDER BY (o.args IS NOT NULL AND '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' = o.args) DESC LIMIT 1)
         WHEN 'type' THEN (SELECT t.typowner FROM pg_catalog.pg_type t WHERE t.oid = to_regtype(format('%I.%I', o.schema, o.name)))
         WHEN 'schema' THEN (SELECT n.nspowner FROM pg_catalog.pg_namespace n WHERE n.nspname = o.name)
         WHEN 'extension' THEN (SELECT x.extowner FROM pg_catalog.pg_extension x WHERE x.extname = o.name)
       END AS owner FROM o
     )
     SELECT owners.i::int, pg_get_userbyid(owner)::text AS owner, pg_has_role(owner, 'USAGE') AS owns,
            CASE WHEN relation IS NOT NULL AND p.privilege IS NOT NULL THEN has_table_privilege(relation, p.privilege) END AS has_privilege
       FROM owners JOIN unnest($5::text[]) WITH ORDINALITY AS p(privilege, i) ON p.i = owners.i
      WHERE owner IS NOT NULL ORDER BY owners.i`,
    [column("category"), column("schema"), column("name"), column("args"), column("privilege")],
  );
  return rows.map((row) => {
    const item = items[row.i - 1] as Wanted;
    const name = item.category === "schema" || item.category === "extension" ? item.name : `${item.schema}.${item.name}${item.args ?? ""}`;
    return {
      object: `${item.kind} ${name}`,
      name,
      action: item.action,
      version: item.version,
      owner: row.owner ?? "",
      owns: row.owns === true,
      privilege: item.privilege,
      hasPrivilege: item.privilege !== null && row.has_privilege === true,
    };
  });
}
