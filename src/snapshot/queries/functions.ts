import { commentJoin, grantsOf, isExtensionMember, ownerUnlessDatabaseOwner } from "./fragments.js";

/**
 * Functions, procedures, aggregates and window functions that no extension owns, except those
 * PostgreSQL makes for another object (an internal dependency, deptype 'i': the constructors
 * of a range type and, on 14+, of its multirange type). The body is
 * `prosrc`, or on PostgreSQL 14+ for a SQL-standard body (`BEGIN ATOMIC`, `RETURN`), that body
 * as `pg_get_function_sqlbody` prints it. `pg_get_functiondef` cannot print an aggregate, so an
 * aggregate comes with its `pg_aggregate` row instead (`AggregateRow`).
 */
export interface FunctionRow {
  schema: string;
  name: string;
  owner: string | null;
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
  aggregate: AggregateRow | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[] | null;
  comment: string | null;
}

/**
 * An aggregate's `pg_aggregate` row, support functions as `::regprocedure` prints them, types
 * as `format_type` does; one-letter codes as in the catalog (`aggkind`, `aggfinalmodify`).
 */
export interface AggregateRow {
  kind: "n" | "o" | "h";
  transition_function: string;
  state_type: string;
  state_space: number;
  final_function: string | null;
  final_extra: boolean;
  final_modify: "r" | "s" | "w";
  combine_function: string | null;
  serial_function: string | null;
  deserial_function: string | null;
  initial_condition: string | null;
  moving: {
    transition_function: string;
    inverse_function: string;
    state_type: string;
    state_space: number;
    final_function: string | null;
    final_extra: boolean;
    final_modify: "r" | "s" | "w";
    initial_condition: string | null;
  } | null;
  sort_operator: string | null;
}

/** A support function of pg_aggregate (a regproc, 0 for none) as its signature, else NULL. */
const supportFunction = (column: string): string =>
  `CASE WHEN ${column}::pg_catalog.oid <> 0 THEN ${column}::pg_catalog.oid::pg_catalog.regprocedure::text END`;

/** The columns of pg_aggregate that CREATE AGGREGATE sets, as JSON (pg_dump's dumpAgg reads the same). */
const aggregateOf = `(SELECT pg_catalog.json_build_object(
    'kind', a.aggkind::text,
    'transition_function', a.aggtransfn::pg_catalog.oid::pg_catalog.regprocedure::text,
    'state_type', pg_catalog.format_type(a.aggtranstype, NULL),
    'state_space', a.aggtransspace,
    'final_function', ${supportFunction("a.aggfinalfn")},
    'final_extra', a.aggfinalextra,
    'final_modify', a.aggfinalmodify::text,
    'combine_function', ${supportFunction("a.aggcombinefn")},
    'serial_function', ${supportFunction("a.aggserialfn")},
    'deserial_function', ${supportFunction("a.aggdeserialfn")},
    'initial_condition', a.agginitval,
    'moving', CASE WHEN a.aggmtransfn::pg_catalog.oid <> 0 THEN pg_catalog.json_build_object(
      'transition_function', a.aggmtransfn::pg_catalog.oid::pg_catalog.regprocedure::text,
      'inverse_function', a.aggminvtransfn::pg_catalog.oid::pg_catalog.regprocedure::text,
      'state_type', pg_catalog.format_type(a.aggmtranstype, NULL),
      'state_space', a.aggmtransspace,
      'final_function', ${supportFunction("a.aggmfinalfn")},
      'final_extra', a.aggmfinalextra,
      'final_modify', a.aggmfinalmodify::text,
      'initial_condition', a.aggminitval) END,
    'sort_operator', (SELECT pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname
      FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace
      WHERE o.oid = a.aggsortop))
  FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid)`;

/** The functions query for a server version (`server_version_num`). */
export function functionsQuery(serverVersionNum: number): string {
  const body =
    serverVersionNum >= 140000
      ? "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) ELSE p.prosrc END"
      : "p.prosrc";
  return `
SELECT n.nspname AS schema, p.proname AS name, ${ownerUnlessDatabaseOwner("p.proowner")} AS owner,
  p.oid::pg_catalog.regprocedure::text AS signature,
  pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
  p.prokind::text AS kind, pg_catalog.pg_get_function_result(p.oid) AS result, l.lanname AS language,
  p.provolatile::text AS volatility, p.prosecdef AS security_definer, p.proisstrict AS strict,
  p.proleakproof AS leakproof, p.proparallel::text AS parallel, pg_catalog.to_json(p.proconfig) AS config,
  ${body} AS body,
  CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END AS definition,
  CASE WHEN p.prokind = 'a' THEN ${aggregateOf} END AS aggregate,
  ${grantsOf("p.proacl", "f", "p.proowner")} AS grants,
  dsc.description AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
${commentJoin("dsc", "pg_proc", "p.oid")}
WHERE n.nspname = ANY($1::text[])
  AND NOT ${isExtensionMember("pg_proc", "p.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
    WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid AND dep.deptype = 'i')`;
}
