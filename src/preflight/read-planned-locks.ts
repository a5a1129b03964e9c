import type { Engine } from "../db/engine.js";
import type { LockMode } from "../model/analysis.js";
import type { Plan } from "../model/plan.js";

/** A relation that exists now and that a pending migration will lock. */
export interface PlannedRelation {
  /** As the plan names it: `public.users`. */
  name: string;
  /** `pg_class.oid`, to match `pg_locks.relation`. */
  oid: number;
  /** Every mode the pending migrations predict on it, with the migration that takes it. */
  locks: { mode: LockMode; version: string }[];
}

/**
 * The relations the pending migrations lock (`plan.migrations[].locks`), resolved in the
 * database with `to_regclass`. Relations that do not exist yet (created by the migrations)
 * are left out: no other session can hold a lock on them.
 */
export async function readPlannedLocks(engine: Engine, plan: Plan): Promise<PlannedRelation[]> {
  const byName = new Map<string, PlannedRelation["locks"]>();
  for (const migration of plan.migrations) {
    if (!migration.pending) continue;
    for (const lock of migration.locks) {
      const locks = byName.get(lock.relation) ?? [];
      // Modes are kept apart, not reduced to the strongest: SHARE does not conflict with
      // SHARE, yet SHARE UPDATE EXCLUSIVE, a weaker mode, conflicts with itself.
      if (!locks.some((known) => known.mode === lock.mode)) locks.push({ mode: lock.mode, version: migration.version });
      byName.set(lock.relation, locks);
    }
  }
  if (byName.size === 0) return [];
  const names = [...byName.keys()];
  const rows = await engine.query<{ name: string; oid: number | string | null }>(
    `SELECT p.name, to_regclass(format('%I.%I', split_part(p.name, '.', 1), substr(p.name, strpos(p.name, '.') + 1)))::oid AS oid
       FROM unnest($1::text[]) AS p(name)`,
    [names],
  );
  return rows.flatMap((row) => (row.oid === null ? [] : [{ name: row.name, oid: Number(row.oid), locks: byName.get(row.name) ?? [] }]));
}
