import { commentJoin, inRelationShare, isExtensionMember, type RelationShare } from "./fragments.js";

/**
 * Primary key, unique, foreign key, check and exclusion constraints of tables. Left out: NOT
 * NULL (contype 'n', PostgreSQL 18+; the column's `not_null` says it on every version),
 * constraint triggers (listed as triggers), and constraints a partition or child table only
 * inherits (`NOT conislocal`) or that are clones of its parent's (`conparentid`): they are
 * reported once, on the parent.
 */
export interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  type: "p" | "u" | "f" | "c" | "x";
  definition: string;
  columns: string[] | null;
  is_valid: boolean;
  deferrable: boolean;
  initially_deferred: boolean;
  references_table: string | null;
  references_columns: string[] | null;
  on_update: string;
  on_delete: string;
  match: string;
  comment: string | null;
}

/**
 * The names of the attributes `keys` (an int2[] of attnums) of `relation`, in key order. Each
 * name is one lookup in pg_attribute's (attrelid, attnum) index; joining the unnested keys to
 * pg_attribute instead reads every attribute of the relation for every constraint.
 */
function attributeNames(keys: string, relation: string): string {
  return `(SELECT pg_catalog.json_agg((SELECT a.attname FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = ${relation} AND a.attnum = k.attnum) ORDER BY k.ord)
     FROM pg_catalog.unnest(${keys}) WITH ORDINALITY AS k(attnum, ord))`;
}

/** The constraints query, for the tables of `share` (every table without one). */
export function constraintsQuery(share?: RelationShare): string {
  return `
SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype::text AS type,
  pg_catalog.pg_get_constraintdef(con.oid) AS definition,
  ${attributeNames("con.conkey", "con.conrelid")} AS columns,
  con.convalidated AS is_valid, con.condeferrable AS deferrable, con.condeferred AS initially_deferred,
  CASE WHEN con.contype = 'f' THEN con.confrelid::pg_catalog.regclass::text END AS references_table,
  CASE WHEN con.contype = 'f' THEN ${attributeNames("con.confkey", "con.confrelid")} END AS references_columns,
  con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, con.confmatchtype::text AS match,
  dsc.description AS comment
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${commentJoin("dsc", "pg_constraint", "con.oid")}
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conislocal AND con.conparentid = 0
  AND n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_class", "c.oid")} ${inRelationShare("c.oid", share)}`;
}
