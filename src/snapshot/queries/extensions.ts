/** Every extension of the database, with the routines it owns. */
export interface ExtensionRow {
  name: string;
  version: string;
  schema: string;
  functions: string[] | null;
}

export const extensionsQuery = `
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema,
  (SELECT pg_catalog.json_agg(dep.objid::pg_catalog.regprocedure::text)
     FROM pg_catalog.pg_depend dep
     WHERE dep.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND dep.refobjid = e.oid
       AND dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.deptype = 'e') AS functions
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace`;
