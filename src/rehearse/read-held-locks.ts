import type { Engine } from "../db/engine.js";
import { type LockMode, lockModes, type RelationLock } from "../model/analysis.js";

/** A relation lock this session holds, with the kind of relation (`pg_class.relkind`). */
export interface HeldLock extends RelationLock {
  relkind: string;
}

/**
 * The relation locks the current session holds right now, strongest mode per relation, read
 * from `pg_locks` (granted, this backend). Called inside a migration's transaction just before
 * its commit, it shows what the migration took: PostgreSQL keeps table locks to the end of the
 * transaction. Locks on the system catalogs and drydock's own history are left out.
 */
export async function readHeldLocks(engine: Engine): Promise<HeldLock[]> {
  const rows = await engine.query<{ relation: string; relkind: string; mode: string }>(
    `SELECT n.nspname || '.' || c.relname AS relation, c.relkind::text AS relkind, l.mode
       FROM pg_catalog.pg_locks l
       JOIN pg_catalog.pg_class c ON c.oid = l.relation
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE l.locktype = 'relation' AND l.granted AND l.pid = pg_catalog.pg_backend_pid()
        AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'drydock')
        AND n.nspname NOT LIKE 'pg\\_toast%'`,
  );
  const strongest = new Map<string, HeldLock>();
  for (const row of rows) {
    const mode = row.mode as LockMode;
    if (!lockModes.includes(mode)) continue;
    const known = strongest.get(row.relation);
    if (!known || lockModes.indexOf(mode) > lockModes.indexOf(known.mode)) {
      strongest.set(row.relation, { relation: row.relation, mode, relkind: row.relkind });
    }
  }
  return [...strongest.values()].sort((a, b) => (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : 0));
}
