import { commentJoin, isExtensionMember, ownerUnlessDatabaseOwner } from "./fragments.js";

/**
 * Enums, domains, composite types (not the row types of tables) and range types. The
 * multirange and array types PostgreSQL derives from them are left out. Domain NOT NULL is
 * `typnotnull`; PostgreSQL 17+ also records it as a pg_constraint row of type 'n', skipped here.
 */
export interface TypeRow {
  schema: string;
  name: string;
  owner: string | null;
  kind: "e" | "d" | "c" | "r";
  labels: string[] | null;
  base_type: string | null;
  not_null: boolean;
  default: string | null;
  collation: string | null;
  constraints: { name: string; definition: string; is_valid: boolean }[] | null;
  attributes: { name: string; position: number; type: string; collation: string | null }[] | null;
  subtype: string | null;
  comment: string | null;
}

export const typesQuery = `
SELECT n.nspname AS schema, t.typname AS name, ${ownerUnlessDatabaseOwner("t.typowner")} AS owner, t.typtype::text AS kind,
  CASE WHEN t.typtype = 'e' THEN
    (SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)
  END AS labels,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
  t.typnotnull AS not_null,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS default,
  CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN t.typcollation::pg_catalog.regcollation::text END AS collation,
  CASE WHEN t.typtype = 'd' THEN
    (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', con.conname,
        'definition', pg_catalog.pg_get_constraintdef(con.oid), 'is_valid', con.convalidated))
     FROM pg_catalog.pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c')
  END AS constraints,
  CASE WHEN t.typtype = 'c' THEN
    (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', a.attname,
        'position', a.position, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
        'collation', CASE WHEN a.attcollation <> at.typcollation THEN a.attcollation::pg_catalog.regcollation::text END))
     FROM (SELECT attname, atttypid, atttypmod, attcollation, pg_catalog.row_number() OVER (ORDER BY attnum) AS position
           FROM pg_catalog.pg_attribute
           WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped) a
     JOIN pg_catalog.pg_type at ON at.oid = a.atttypid)
  END AS attributes,
  CASE WHEN t.typtype = 'r' THEN
    (SELECT pg_catalog.format_type(r.rngsubtype, NULL) FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid)
  END AS subtype,
  dsc.description AS comment
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
${commentJoin("dsc", "pg_type", "t.oid")}
WHERE n.nspname = ANY($1::text[])
  AND (t.typtype IN ('e', 'd', 'r')
    OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))
  AND NOT ${isExtensionMember("pg_type", "t.oid")}`;
