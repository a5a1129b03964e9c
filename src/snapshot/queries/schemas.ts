import { commentJoin, grantsOf, ownerUnlessDatabaseOwner } from "./fragments.js";

/** The configured schemas that exist, with their owners, privileges and comments. */
export interface SchemaRow {
  name: string;
  owner: string | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

export const schemasQuery = `
SELECT n.nspname AS name, ${ownerUnlessDatabaseOwner("n.nspowner")} AS owner,
  ${grantsOf("n.nspacl", "n", "n.nspowner")} AS grants,
  dsc.description AS comment
FROM pg_catalog.pg_namespace n
${commentJoin("dsc", "pg_namespace", "n.oid")}
WHERE n.nspname = ANY($1::text[])`;
