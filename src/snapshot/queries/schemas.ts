import { grantsOf } from "./fragments.js";

/** The configured schemas that exist, with their privileges and comments. */
export interface SchemaRow {
  name: string;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

export const schemasQuery = `
SELECT n.nspname AS name,
  ${grantsOf("n.nspacl", "n", "n.nspowner")} AS grants,
  pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY($1::text[])`;
