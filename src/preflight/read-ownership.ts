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
  /** What the migration does to it: "alters", "drops", "renames", "adds a trigger to"… */
  action: string;
  version: string;
  owner: string;
  /** The current user is the owner, a member of the owner role, or a superuser (`pg_has_role(owner, 'USAGE')`). */
  owns: boolean;
  /** For a new trigger: the TRIGGER privilege is enough (`has_table_privilege`). */
  hasTriggerPrivilege: boolean;
}

interface Wanted {
  category: Category;
  schema: string;
  name: string;
  args: string | null;
  kind: string;
  action: string;
  version: string;
  triggerPrivilegeSuffices: boolean;
}

function wanted(ref: ObjectRef, action: string, version: string): Wanted | null {
  const dot = ref.name.indexOf(".");
  if (memberKinds.has(ref.kind)) {
    const table = ref.name.slice(dot + 1, ref.name.lastIndexOf("."));
    const trigger = ref.kind === "trigger" && action === "creates";
    const memberAction = `${action} ${ref.kind} ${ref.name.slice(ref.name.lastIndexOf(".") + 1)} of`;
    const base = { category: "relation", schema: ref.name.slice(0, dot), name: table, args: null, kind: "table" } as const;
    return { ...base, action: memberAction, version, triggerPrivilegeSuffices: trigger };
  }
  const category = categories[ref.kind];
  if (!category) return null;
  if (category === "schema" || category === "extension") {
    return { category, schema: "", name: ref.name, args: null, kind: ref.kind, action, version, triggerPrivilegeSuffices: false };
  }
  const rest = ref.name.slice(dot + 1);
  const paren = category === "function" ? rest.indexOf("(") : -1;
  const name = paren >= 0 ? rest.slice(0, paren) : rest;
  const args = paren >= 0 ? rest.slice(paren) : null;
  return { category, schema: ref.name.slice(0, dot), name, args, kind: ref.kind, action, version, triggerPrivilegeSuffices: false };
}

/** What the pending migrations change that exists before them: alters, drops, renames, and tables they add members to. */
function wantedOf(plan: Plan): Wanted[] {
  const seen = new Map<string, Wanted>();
  for (const migration of plan.migrations) {
    if (!migration.pending) continue;
    const refs: [ObjectRef, string][] = [
      ...migration.alters.map((ref): [ObjectRef, string] => [ref, "alters"]),
      ...migration.drops.map((ref): [ObjectRef, string] => [ref, "drops"]),
      ...(migration.renames ?? []).map((rename): [ObjectRef, string] => [{ kind: rename.kind, name: rename.from }, "renames"]),
      ...migration.creates.filter((ref) => memberKinds.has(ref.kind)).map((ref): [ObjectRef, string] => [ref, "creates"]),
    ];
    for (const [ref, action] of refs) {
      const entry = wanted(ref, action, migration.version);
      const key = entry && `${entry.category}:${entry.schema}.${entry.name}${entry.args ?? ""}`;
      if (entry && key && !seen.has(key)) seen.set(key, entry);
    }
  }
  return [...seen.values()];
}

/**
 * The owners of the existing objects the pending migrations alter, drop or rename (and of the
 * tables they add columns, constraints, triggers or policies to): in PostgreSQL only the owner
 * (or a member of the owning role, or a superuser) may. Objects that do not exist yet are
 * left out: the migrations create them, so this user will own them.
 */
export async function readOwnership(engine: Engine, plan: Plan): Promise<Ownership[]> {
  const items = wantedOf(plan);
  if (items.length === 0) return [];
  const column = <K extends keyof Wanted>(key: K) => items.map((item) => item[key]);
  const rows = await engine.query<{ i: number; owner: string | null; owns: boolean | null; has_trigger: boolean | null }>(
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
     SELECT i::int, pg_get_userbyid(owner)::text AS owner, pg_has_role(owner, 'USAGE') AS owns,
            CASE WHEN relation IS NOT NULL THEN has_table_privilege(relation, 'TRIGGER') END AS has_trigger
       FROM owners WHERE owner IS NOT NULL ORDER BY i`,
    [column("category"), column("schema"), column("name"), column("args")],
  );
  return rows.map((row) => {
    const item = items[row.i - 1] as Wanted;
    const name = item.category === "schema" || item.category === "extension" ? item.name : `${item.schema}.${item.name}${item.args ?? ""}`;
    return {
      object: `${item.kind} ${name}`,
      action: item.action,
      version: item.version,
      owner: row.owner ?? "",
      owns: row.owns === true,
      hasTriggerPrivilege: item.triggerPrivilegeSuffices && row.has_trigger === true,
    };
  });
}
