import { inRelationShare, isExtensionMember, type RelationShare } from "./fragments.js";

/**
 * Row estimates and sizes of tables, partitioned tables and materialized views. `reltuples` is
 * -1 on PostgreSQL 14+ for a relation never vacuumed or analyzed (0 on 13). Sizes are read as
 * float8 so that both drivers return numbers.
 */
export interface StatisticsRow {
  schema: string;
  name: string;
  kind: "r" | "p" | "m";
  is_populated: boolean;
  row_estimate: number | null;
  size_bytes: number;
  total_size_bytes: number;
}

/** The statistics query, for the relations of `share` (every relation without one). */
export function statisticsQuery(share?: RelationShare): string {
  return `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relispopulated AS is_populated,
  CASE WHEN c.reltuples >= 0 THEN c.reltuples::float8 END AS row_estimate,
  pg_catalog.pg_relation_size(c.oid)::float8 AS size_bytes,
  pg_catalog.pg_total_relation_size(c.oid)::float8 AS total_size_bytes
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")} ${inRelationShare("c.oid", share)}`;
}
