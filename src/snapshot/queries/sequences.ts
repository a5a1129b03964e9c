import { commentJoin, grantsOf, isExtensionMember, ownerUnlessDatabaseOwner } from "./fragments.js";

/**
 * Sequences, except identity sequences (deptype 'i': they are part of their column). Numbers
 * are read as text: bigint bounds do not fit a JavaScript number.
 */
export interface SequenceRow {
  schema: string;
  name: string;
  owner: string | null;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  persistence: string;
  owned_by: string | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

export const sequencesQuery = `
SELECT n.nspname AS schema, c.relname AS name, ${ownerUnlessDatabaseOwner("c.relowner")} AS owner,
  pg_catalog.format_type(s.seqtypid, NULL) AS type,
  s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
  s.seqcache::text AS cache, s.seqcycle AS cycle, c.relpersistence::text AS persistence,
  (SELECT dep.refobjid::pg_catalog.regclass::text || '.' || pg_catalog.quote_ident(a.attname)
     FROM pg_catalog.pg_depend dep
     JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
     WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid
       AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'a') AS owned_by,
  ${grantsOf("c.relacl", "s", "c.relowner")} AS grants,
  dsc.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
${commentJoin("dsc", "pg_class", "c.oid")}
WHERE c.relkind = 'S' AND n.nspname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
    WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid AND dep.deptype = 'i')
  AND NOT ${isExtensionMember("pg_class", "c.oid")}`;
