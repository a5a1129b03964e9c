import type { Migration } from "../model/migration.js";
import { duplicateVersionError } from "./discover-errors.js";

/**
 * Sorts migrations by version with the format's comparison and refuses two migrations that
 * compare equal (`002` and `2` under `compareVersions`): a history keyed by version could
 * not tell them apart, and every supported tool refuses them too. The sort is stable.
 */
export function orderMigrations(migrations: Migration[], compare: (a: string, b: string) => number): Migration[] {
  const sorted = [...migrations].sort((a, b) => compare(a.version, b.version));
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous && current && compare(previous.version, current.version) === 0) {
      throw duplicateVersionError(
        { version: previous.version, file: previous.up.file },
        { version: current.version, file: current.up.file },
      );
    }
  }
  return sorted;
}
