import type { ObjectRef } from "../model/analysis.js";
import { sha256 } from "../util/hash.js";
import type { Engine } from "./engine.js";

const relationKinds: Record<string, ObjectRef["kind"]> = {
  r: "table",
  p: "table",
  f: "table",
  v: "view",
  m: "materialized_view",
  S: "sequence",
  i: "index",
  I: "index",
};
const typeKinds: Record<string, ObjectRef["kind"]> = { e: "enum", d: "domain", c: "type", b: "type", r: "type", m: "type" };

/**
 * The names of the objects a database already holds outside the system schemas (relations,
 * types, routines, schemas, extensions), for planning against a target: a migration may use
 * them without creating them. Read from pg_catalog; works on PostgreSQL 13+ and PGlite.
 */
export async function readCatalogNames(engine: Engine): Promise<ObjectRef[]> {
  const userSchemas =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";
  const rows = await engine.query<{ kind: string; code: string; name: string }>(`
    SELECT 'relation' AS kind, c.relkind::text AS code, n.nspname || '.' || c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${userSchemas} AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
    UNION ALL
    SELECT 'type', t.typtype::text, n.nspname || '.' || t.typname
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class c ON c.oid = t.typrelid
      WHERE ${userSchemas} AND t.typelem = 0 AND (t.typrelid = 0 OR c.relkind = 'c')
    UNION ALL
    SELECT 'routine', p.prokind::text, n.nspname || '.' || p.proname
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${userSchemas}
    UNION ALL
    SELECT 'schema', '', n.nspname FROM pg_namespace n WHERE ${userSchemas}
    UNION ALL
    SELECT 'extension', '', e.extname FROM pg_extension e
    ORDER BY 1, 3`);
  return rows.map((row): ObjectRef => {
    switch (row.kind) {
      case "relation":
        return { kind: relationKinds[row.code] ?? "table", name: row.name };
      case "type":
        return { kind: typeKinds[row.code] ?? "type", name: row.name };
      case "routine":
        return { kind: row.code === "p" ? "procedure" : "function", name: row.name };
      default:
        return { kind: row.kind as ObjectRef["kind"], name: row.name };
    }
  });
}

/** A fingerprint of a database's schema: the hash of its sorted object names. */
export function fingerprintOf(objects: readonly ObjectRef[]): string {
  return sha256(
    objects
      .map((object) => `${object.kind}:${object.name}`)
      .sort()
      .join("\n"),
  );
}
