import { isExtensionMember } from "./fragments.js";

/**
 * Indexes of tables and materialized views, those behind constraints included. The indexes
 * PostgreSQL builds on each partition for an index of the partitioned table are left out: the
 * parent's index stands for them (it stays invalid until every partition has its index).
 */
export interface IndexRow {
  schema: string;
  table: string;
  name: string;
  definition: string;
  method: string;
  is_unique: boolean;
  is_primary: boolean;
  is_valid: boolean;
  predicate: string | null;
  constraint: string | null;
  comment: string | null;
}

export const indexesQuery = `
SELECT n.nspname AS schema, t.relname AS table, ic.relname AS name,
  pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, am.amname AS method,
  i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
  pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
  (SELECT con.conname FROM pg_catalog.pg_constraint con
     WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) AS constraint,
  pg_catalog.obj_description(ic.oid, 'pg_class') AS comment
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE t.relkind IN ('r', 'p', 'm') AND NOT ic.relispartition AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "t.oid")}`;
