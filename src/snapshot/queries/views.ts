import { commentJoin, grantsOf, isExtensionMember, ownerUnlessDatabaseOwner } from "./fragments.js";

/** Views and materialized views with their definitions (`pg_get_viewdef`, pretty-printed). */
export interface ViewRow {
  schema: string;
  name: string;
  owner: string | null;
  kind: "v" | "m";
  definition: string;
  options: string[] | null;
  is_populated: boolean;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

export const viewsQuery = `
SELECT n.nspname AS schema, c.relname AS name, ${ownerUnlessDatabaseOwner("c.relowner")} AS owner,
  c.relkind::text AS kind,
  pg_catalog.pg_get_viewdef(c.oid, true) AS definition,
  pg_catalog.to_json(c.reloptions) AS options, c.relispopulated AS is_populated,
  ${grantsOf("c.relacl", "r", "c.relowner")} AS grants,
  dsc.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${commentJoin("dsc", "pg_class", "c.oid")}
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")}`;
