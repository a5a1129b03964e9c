import type { AppliedMigration } from "../db/history.js";
import type { Migration } from "../model/migration.js";

/** SPEC §4 `status` states. */
export type MigrationState = "applied" | "pending" | "changed" | "missing" | "out-of-order";

/** One line of `status --json`. */
export interface MigrationStatus {
  version: string;
  name: string;
  file: string | null;
  state: MigrationState;
  /** The file's checksum; for a missing migration, the recorded one. */
  checksum: string;
  /** The recorded checksum when it differs from the file's. */
  recorded_checksum?: string;
  applied_at: string | null;
}

/**
 * Compares the migrations on disk with the history of a database. A versioned migration whose
 * checksum changed is `changed`; one not applied while a later one is, `out-of-order`; a
 * history row without a file, `missing`. A repeatable migration (Flyway `R__`) whose checksum
 * changed is simply `pending` again, as in Flyway.
 */
export function compareHistory(migrations: readonly Migration[], history: readonly AppliedMigration[]): MigrationStatus[] {
  const applied = new Map(history.map((row) => [row.version, row]));
  let lastAppliedIndex = -1;
  migrations.forEach((migration, index) => {
    if (migration.kind === "versioned" && applied.has(migration.version)) lastAppliedIndex = index;
  });
  const statuses: MigrationStatus[] = migrations.map((migration, index) => {
    const row = applied.get(migration.version);
    const base = { version: migration.version, name: migration.name, file: migration.up.file, checksum: migration.checksum };
    if (!row) {
      const state = migration.kind === "versioned" && index < lastAppliedIndex ? "out-of-order" : "pending";
      return { ...base, state, applied_at: null };
    }
    if (row.checksum === migration.checksum) return { ...base, state: "applied", applied_at: row.applied_at };
    if (migration.kind === "repeatable") return { ...base, state: "pending", recorded_checksum: row.checksum, applied_at: row.applied_at };
    return { ...base, state: "changed", recorded_checksum: row.checksum, applied_at: row.applied_at };
  });
  const onDisk = new Set(migrations.map((migration) => migration.version));
  for (const row of history) {
    if (onDisk.has(row.version)) continue;
    statuses.push({
      version: row.version,
      name: row.name,
      file: row.file,
      state: "missing",
      checksum: row.checksum,
      applied_at: row.applied_at,
    });
  }
  return statuses;
}
