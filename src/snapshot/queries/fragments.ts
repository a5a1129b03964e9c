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
 * One of `count` disjoint shares of the relations: those whose OID modulo `count` is `index`.
 * Sessions that read concurrently each take one share of the queries that open relations
 * (deparsing an expression, reading a size): each session builds its own relcache entries, so a
 * relation opened by one session only is built once.
 */
export interface RelationShare {
  index: number;
  count: number;
}

/** The condition keeping the relations of `share` (every relation without one). */
export function inRelationShare(relationOid: string, share: RelationShare | undefined): string {
  return share && share.count > 1 ? `AND ${relationOid}::pg_catalog.int8 % ${share.count} = ${share.index}` : "";
}

/**
 * Joins the comment of each row's object as `alias.description`. pg_description's primary key
 * is (objoid, classoid, objsubid), so the join adds no rows; unlike `obj_description` and
 * `col_description`, which run a SQL function per row, it reads pg_description once.
 */
export function commentJoin(alias: string, catalog: CommentedCatalog, objoid: string, objsubid = "0"): string {
  return `LEFT JOIN pg_catalog.pg_description ${alias} ON ${alias}.objoid = ${objoid}
  AND ${alias}.classoid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND ${alias}.objsubid = ${objsubid}`;
}

/** The catalogs whose objects a snapshot reads comments of. */
type CommentedCatalog = "pg_class" | "pg_constraint" | "pg_namespace" | "pg_policy" | "pg_proc" | "pg_trigger" | "pg_type";

/**
 * The privileges of an ACL other than the owner's, with the defaults filled in (a NULL ACL
 * means the defaults: `acldefault`), as JSON `[{grantee, privilege, grantable}]`.
 */
export function grantsOf(acl: string, defaultKind: "r" | "s" | "f" | "n" | null, owner: string): string {
  const effective = defaultKind ? `COALESCE(${acl}, pg_catalog.acldefault('${defaultKind}', ${owner}))` : acl;
  const grants = `(SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'grantee', CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee) END,
      'privilege', g.privilege_type, 'grantable', g.is_grantable))
    FROM pg_catalog.aclexplode(${effective}) g WHERE g.grantee <> ${owner})`;
  // Without defaults a NULL ACL has no grants; the CASE skips the subquery for it (most columns).
  return defaultKind ? grants : `CASE WHEN ${acl} IS NOT NULL THEN ${grants} END`;
}

/**
 * The name of an object's owner, or NULL when it is the database's owner (`Owned` in
 * src/model/snapshot.ts). The database's owner is read once per query (an uncorrelated subquery).
 */
export function ownerUnlessDatabaseOwner(owner: string): string {
  return `CASE WHEN ${owner} <> (SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
    THEN pg_catalog.pg_get_userbyid(${owner}) END`;
}
