import type { Engine } from "../db/engine.js";

/**
 * A cheap fingerprint of every user object: `"<kind> <name>"` → digest of its definition.
 * One catalog query, fast enough to run before and after each migration of a rehearsal,
 * where a full snapshot per migration would cost more than the migrations themselves.
 */
export type CatalogDigest = Map<string, string>;

/** What one migration did to the catalog, as `"<kind> <name>"` entries, sorted. */
export interface CatalogChanges {
  created: string[];
  altered: string[];
  dropped: string[];
}

// Names as the plan spells them: schema-qualified, unquoted; columns, constraints, triggers and
// policies under their table. md5 keeps the rows small; only equality matters.
const digestQuery = `
WITH ns AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'drydock')
     AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'
)
SELECT 'schema' AS kind, nspname AS name, pg_catalog.md5(coalesce((SELECT nspacl::text FROM pg_catalog.pg_namespace WHERE oid = ns.oid), '')) AS digest FROM ns
UNION ALL
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'f' THEN 'table' WHEN 'v' THEN 'view'
         WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type' ELSE 'index' END,
       ns.nspname || '.' || c.relname,
       pg_catalog.md5(concat_ws('|', c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text,
         c.reloptions::text, CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
         CASE WHEN c.relkind IN ('i', 'I') THEN pg_catalog.pg_get_indexdef(c.oid) END,
         (SELECT i.indisvalid FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid)))
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
UNION ALL
SELECT 'column', ns.nspname || '.' || c.relname || '.' || a.attname,
       pg_catalog.md5(concat_ws('|', a.atttypid, a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated, a.attcollation,
         a.attacl::text, pg_catalog.pg_get_expr(d.adbin, d.adrelid)))
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
UNION ALL
SELECT 'constraint', ns.nspname || '.' || c.relname || '.' || k.conname,
       pg_catalog.md5(concat_ws('|', pg_catalog.pg_get_constraintdef(k.oid), k.convalidated))
  FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN ns ON ns.oid = c.relnamespace
 WHERE k.contype <> 'n' -- PostgreSQL 18 records NOT NULL as constraints too; the column's digest has it
UNION ALL
SELECT 'trigger', ns.nspname || '.' || c.relname || '.' || t.tgname, pg_catalog.md5(concat_ws('|', t.tgfoid, t.tgtype, t.tgenabled, t.tgattr::text))
  FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
 WHERE NOT t.tgisinternal
UNION ALL
SELECT 'policy', ns.nspname || '.' || c.relname || '.' || p.polname,
       pg_catalog.md5(concat_ws('|', p.polcmd, p.polpermissive, p.polroles::text,
         pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)))
  FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid JOIN ns ON ns.oid = c.relnamespace
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
       ns.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       pg_catalog.md5(concat_ws('|', p.prosrc, p.prorettype, p.provolatile, p.prosecdef, p.proconfig::text, p.proacl::text, p.proisstrict))
  FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' ELSE 'type' END, ns.nspname || '.' || t.typname,
       pg_catalog.md5(concat_ws('|', t.typtype, t.typbasetype, t.typnotnull, t.typdefault,
         (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)))
  FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace
 WHERE t.typtype IN ('e', 'd', 'r', 'm')
    OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))
UNION ALL
SELECT 'extension', e.extname, pg_catalog.md5(e.extversion) FROM pg_catalog.pg_extension e`;

/** Reads the digest of every object outside the system schemas and drydock's own. */
export async function readCatalogDigest(engine: Engine): Promise<CatalogDigest> {
  const rows = await engine.query<{ kind: string; name: string; digest: string }>(digestQuery);
  return new Map(rows.map((row) => [`${row.kind} ${row.name}`, row.digest]));
}

/** The objects created, altered and dropped between two digests. */
export function compareDigests(before: CatalogDigest, after: CatalogDigest): CatalogChanges {
  const changes: CatalogChanges = { created: [], altered: [], dropped: [] };
  for (const [key, digest] of after) {
    const previous = before.get(key);
    if (previous === undefined) changes.created.push(key);
    else if (previous !== digest) changes.altered.push(key);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.dropped.push(key);
  for (const list of Object.values(changes)) list.sort();
  return changes;
}
