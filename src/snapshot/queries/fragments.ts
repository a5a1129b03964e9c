/**
 * SQL shared by the catalog queries. Every query takes the schemas to read as `$1` (text[]),
 * and leaves out the objects an extension owns (pg_depend deptype 'e'): they belong to the
 * extension, whose version says what they are.
 */

/** True when the object `objid` of catalog `catalog` belongs to an extension. */
export function isExtensionMember(catalog: "pg_class" | "pg_proc" | "pg_type", objid: string): string {
  return `EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
    WHERE dep.classid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND dep.objid = ${objid} AND dep.deptype = 'e')`;
}

/**
 * The privileges of an ACL other than the owner's, with the defaults filled in (a NULL ACL
 * means the defaults: `acldefault`), as JSON `[{grantee, privilege, grantable}]`.
 */
export function grantsOf(acl: string, defaultKind: "r" | "s" | "f" | "n" | null, owner: string): string {
  const effective = defaultKind ? `COALESCE(${acl}, pg_catalog.acldefault('${defaultKind}', ${owner}))` : acl;
  return `(SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'grantee', CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee) END,
      'privilege', g.privilege_type, 'grantable', g.is_grantable))
    FROM pg_catalog.aclexplode(${effective}) g WHERE g.grantee <> ${owner})`;
}

/**
 * The name of an object's owner, or NULL when it is the database's owner (`Owned` in
 * src/model/snapshot.ts). The database's owner is read once per query (an uncorrelated subquery).
 */
export function ownerUnlessDatabaseOwner(owner: string): string {
  return `CASE WHEN ${owner} <> (SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
    THEN pg_catalog.pg_get_userbyid(${owner}) END`;
}
