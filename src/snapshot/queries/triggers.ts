import { commentJoin, isExtensionMember } from "./fragments.js";

/**
 * User triggers on tables and views. Internal triggers (those behind foreign keys, named after
 * OIDs) and the clones PostgreSQL puts on partitions (`tgparentid`, PostgreSQL 13+) are left out.
 */
export interface TriggerRow {
  schema: string;
  relation: string;
  name: string;
  definition: string;
  function: string;
  enabled: "O" | "A" | "R" | "D";
  is_constraint: boolean;
  comment: string | null;
}

export const triggersQuery = `
SELECT n.nspname AS schema, c.relname AS relation, t.tgname AS name,
  pg_catalog.pg_get_triggerdef(t.oid) AS definition, t.tgfoid::pg_catalog.regprocedure::text AS function,
  t.tgenabled::text AS enabled, t.tgconstraint <> 0 AS is_constraint,
  dsc.description AS comment
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${commentJoin("dsc", "pg_trigger", "t.oid")}
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")}`;
