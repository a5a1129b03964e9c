import { type LockMode, lockModes } from "../model/analysis.js";

/**
 * PostgreSQL's table-level lock conflict table, as data: for each mode, the modes another
 * transaction cannot hold on the same relation at the same time. Symmetric. Transcribed from
 * "Conflicting Lock Modes", https://www.postgresql.org/docs/current/explicit-locking.html#TABLE-LOCK-COMPATIBILITY
 */
export const lockConflicts: Readonly<Record<LockMode, readonly LockMode[]>> = {
  AccessShareLock: ["AccessExclusiveLock"],
  RowShareLock: ["ExclusiveLock", "AccessExclusiveLock"],
  RowExclusiveLock: ["ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"],
  ShareUpdateExclusiveLock: ["ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"],
  ShareLock: ["RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"],
  ShareRowExclusiveLock: [
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
  ],
  ExclusiveLock: lockModes.filter((mode) => mode !== "AccessShareLock"),
  AccessExclusiveLock: lockModes,
};

/**
 * True when two table-level lock modes conflict. Modes outside the table (`SIReadLock`, the
 * predicate locks of serializable transactions) never block anyone.
 */
export function locksConflict(held: string, wanted: string): boolean {
  const conflicts = lockConflicts[held as LockMode] as readonly string[] | undefined;
  return conflicts?.includes(wanted) ?? false;
}
