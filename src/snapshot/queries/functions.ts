import { grantsOf, isExtensionMember } from "./fragments.js";

/**
 * Functions, procedures, aggregates and window functions that no extension owns, except those
 * PostgreSQL makes for another object (an internal dependency, deptype 'i': the constructors
 * of a range type and, on 14+, of its multirange type). The body is
 * `prosrc`, or on PostgreSQL 14+ for a SQL-standard body (`BEGIN ATOMIC`, `RETURN`), that body
 * as `pg_get_function_sqlbody` prints it. `pg_get_functiondef` cannot print an aggregate.
 */
export interface FunctionRow {
  schema: string;
  name: string;
  signature: string;
  arguments: string;
  kind: "f" | "p" | "a" | "w";
  result: string | null;
  language: string;
  volatility: "i" | "s" | "v";
  security_definer: boolean;
  strict: boolean;
  leakproof: boolean;
  parallel: "s" | "r" | "u";
  config: string[] | null;
  body: string;
  definition: string | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

/** The functions query for a server version (`server_version_num`). */
export function functionsQuery(serverVersionNum: number): string {
  const body =
    serverVersionNum >= 140000
      ? "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) ELSE p.prosrc END"
      : "p.prosrc";
  return `
SELECT n.nspname AS schema, p.proname AS name, p.oid::pg_catalog.regprocedure::text AS signature,
  pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
  p.prokind::text AS kind, pg_catalog.pg_get_function_result(p.oid) AS result, l.lanname AS language,
  p.provolatile::text AS volatility, p.prosecdef AS security_definer, p.proisstrict AS strict,
  p.proleakproof AS leakproof, p.proparallel::text AS parallel, pg_catalog.to_json(p.proconfig) AS config,
  ${body} AS body,
  CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END AS definition,
  ${grantsOf("p.proacl", "f", "p.proowner")} AS grants,
  pg_catalog.obj_description(p.oid, 'pg_proc') AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_proc", "p.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
    WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid AND dep.deptype = 'i')`;
}
