import { commentJoin, inRelationShare, type RelationShare } from "./fragments.js";

/** Row-level security policies, with their roles (`public` for none named) and expressions. */
export interface PolicyRow {
  schema: string;
  table: string;
  name: string;
  command: "*" | "r" | "a" | "w" | "d";
  permissive: boolean;
  roles: string[];
  using: string | null;
  with_check: string | null;
  comment: string | null;
}

/** The policies query, for the tables of `share` (every table without one). */
export function policiesQuery(share?: RelationShare): string {
  return `
SELECT n.nspname AS schema, c.relname AS table, p.polname AS name, p.polcmd::text AS command,
  p.polpermissive AS permissive,
  (SELECT pg_catalog.json_agg(CASE WHEN r.role = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r.role) END)
     FROM pg_catalog.unnest(p.polroles) AS r(role)) AS roles,
  pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using,
  pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
  dsc.description AS comment
FROM pg_catalog.pg_policy p
JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${commentJoin("dsc", "pg_policy", "p.oid")}
WHERE n.nspname = ANY($1::text[]) ${inRelationShare("c.oid", share)}`;
}
