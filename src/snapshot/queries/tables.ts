import { commentJoin, grantsOf, isExtensionMember, ownerUnlessDatabaseOwner } from "./fragments.js";

/** Tables, partitioned tables, partitions and foreign tables (temporary tables live in pg_temp). */
export interface TableRow {
  schema: string;
  name: string;
  owner: string | null;
  kind: "r" | "p" | "f";
  persistence: string;
  rls_enabled: boolean;
  rls_forced: boolean;
  partition_key: string | null;
  partition_of: string | null;
  partition_bound: string | null;
  inherits: string[] | null;
  options: string[] | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

export const tablesQuery = `
SELECT n.nspname AS schema, c.relname AS name, ${ownerUnlessDatabaseOwner("c.relowner")} AS owner,
  c.relkind::text AS kind, c.relpersistence::text AS persistence,
  c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
  CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
  CASE WHEN c.relispartition THEN
    (SELECT i.inhparent::pg_catalog.regclass::text FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
  END AS partition_of,
  CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
  CASE WHEN NOT c.relispartition THEN
    (SELECT pg_catalog.json_agg(i.inhparent::pg_catalog.regclass::text ORDER BY i.inhseqno)
     FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
  END AS inherits,
  pg_catalog.to_json(c.reloptions) AS options,
  ${grantsOf("c.relacl", "r", "c.relowner")} AS grants,
  dsc.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${commentJoin("dsc", "pg_class", "c.oid")}
WHERE c.relkind IN ('r', 'p', 'f') AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")}`;
