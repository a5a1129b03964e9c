import type { ColumnSnapshot, GrantSnapshot, Owned, Snapshot } from "../model/snapshot.js";

/**
 * The snapshot without what belongs to the roles drift connects as: objects they own read as the
 * database owner's (no `owner` key), and privileges granted to them are left out. Migrations do
 * not say who owns what they create: the role that applies them does. Replayed, they are owned
 * by the embedded database's owner; applied by a role that does not own the database (an
 * application role on RDS, say), by that role, which a DBA granted CREATE to first. That is the
 * database's setup, not drift, and a bridge that granted it would not replay where the role
 * does not exist. Other owners and grants still count. Applied to both sides alike.
 */
export function withoutConnectedRoles(snapshot: Snapshot, roles: ReadonlySet<string>): Snapshot {
  const grants = (list: GrantSnapshot[]) => list.filter((grant) => !roles.has(grant.grantee));
  const unowned = <T extends Owned>(object: T): T => {
    if (object.owner === undefined || !roles.has(object.owner)) return object;
    const { owner: _owner, ...rest } = object;
    return rest as T;
  };
  const owned = <T extends Owned & { grants: GrantSnapshot[] }>(object: T): T => ({ ...unowned(object), grants: grants(object.grants) });
  const columns = (list: ColumnSnapshot[]) => list.map((column) => ({ ...column, grants: grants(column.grants) }));
  return {
    ...snapshot,
    schemas: snapshot.schemas.map(owned),
    types: snapshot.types.map(unowned),
    sequences: snapshot.sequences.map(owned),
    tables: snapshot.tables.map((table) => ({ ...owned(table), columns: columns(table.columns) })),
    views: snapshot.views.map((view) => ({ ...owned(view), columns: columns(view.columns) })),
    functions: snapshot.functions.map(owned),
  };
}
