import { grantsOf, isExtensionMember } from "./fragments.js";

/**
 * The live columns of tables, views and materialized views. `position` counts live columns
 * only, so a dropped column leaves no gap. `attgenerated` is 's' (stored) or, on PostgreSQL 18+,
 * 'v' (virtual); the generation expression sits where a default would. On PostgreSQL 17+ the
 * partitions of a partitioned table with an identity column carry that identity too, drawing on
 * the parent's sequence; such an identity without a sequence of its own (pg_depend deptype 'i')
 * is the parent's copy and is left out, so it is reported once, on the parent, as on 13–16. A
 * partition's own identity (possible before 17) keeps its sequence and is reported.
 */
export interface ColumnRow {
  schema: string;
  relation: string;
  name: string;
  position: number;
  type: string;
  not_null: boolean;
  default: string | null;
  identity: string;
  generated: string;
  collation: string | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

export const columnsQuery = `
SELECT n.nspname AS schema, c.relname AS relation, a.attname AS name,
  pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)::int AS position,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default,
  CASE WHEN c.relispartition AND a.attidentity <> '' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
      WHERE dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjid = a.attrelid
        AND dep.refobjsubid = a.attnum AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'i')
    THEN '' ELSE a.attidentity::text END AS identity,
  a.attgenerated::text AS generated,
  CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END AS collation,
  ${grantsOf("a.attacl", null, "c.relowner")} AS grants,
  pg_catalog.col_description(c.oid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")}`;
