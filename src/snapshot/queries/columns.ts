import { commentJoin, grantsOf, isExtensionMember } from "./fragments.js";

/**
 * The live columns of tables, views and materialized views, with their `attnum`: a column's
 * position counts live columns only (a dropped column leaves no gap), which `assembleSnapshot`
 * works out from the attnums of each relation, sparing the server a sort of every column.
 * `attgenerated` is 's' (stored) or, on PostgreSQL 18+, 'v' (virtual); the generation expression
 * sits where a default would. A default cannot refer to a column, so it is printed without its
 * relation (relid 0), which spares opening every table; only a generation expression needs it.
 * On PostgreSQL 17+ the partitions of a partitioned table with an identity column carry that
 * identity too, drawing on the parent's sequence; such an identity without a sequence of its
 * own (pg_depend deptype 'i') is the parent's copy and is left out, so it is reported once, on
 * the parent, as on 13–16. A partition's own identity (possible before 17) keeps its sequence
 * and is reported.
 */
export interface ColumnRow {
  schema: string;
  relation: string;
  name: string;
  attnum: number;
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
  a.attnum::int AS attnum,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END) AS default,
  CASE WHEN c.relispartition AND a.attidentity <> '' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
      WHERE dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjid = a.attrelid
        AND dep.refobjsubid = a.attnum AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'i')
    THEN '' ELSE a.attidentity::text END AS identity,
  a.attgenerated::text AS generated,
  CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END AS collation,
  ${grantsOf("a.attacl", null, "c.relowner")} AS grants,
  dsc.description AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
${commentJoin("dsc", "pg_class", "a.attrelid", "a.attnum")}
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")}`;
