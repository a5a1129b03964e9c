import type { AppliedMigration } from "../db/history.js";
import { compareVersions } from "../discover/compare-versions.js";
import type { Migration } from "../model/migration.js";
import type { MigrationStatus } from "../plan/compare-history.js";

/**
 * How one version's history differs. Against the migrations: `changed` (the file was edited
 * after it was applied), `missing` (applied, no file), `out-of-order` (a file not applied while
 * later ones are). Against another database: `only-in-target`, `only-in-against`, and `changed`
 * (both applied it, with different checksums).
 */
export type HistoryDriftState = "changed" | "missing" | "out-of-order" | "only-in-target" | "only-in-against";

/** One side of a version: its checksum, and when it was applied (null for a file). */
export interface HistorySide {
  checksum: string;
  applied_at: string | null;
}

/** A version whose history is not the same on both sides. */
export interface HistoryDifference {
  version: string;
  name: string;
  state: HistoryDriftState;
  /** The project's file of this version; null when the project has none. */
  file: string | null;
  /** The target's history row; null when the target has not applied it. */
  target: HistorySide | null;
  /** The other side: the file (against the migrations) or the other database's history row; null when it lacks it. */
  against: HistorySide | null;
}

/** A migration the target has not applied yet, which is what `apply` is for, not drift. */
export interface PendingMigration {
  version: string;
  name: string;
  file: string | null;
}

/** `drift --json` `history`. */
export interface HistoryDrift {
  /** The drift, in version order. */
  differences: HistoryDifference[];
  /** Against the migrations: the files the target has not applied, in apply order (empty against a database). */
  pending: PendingMigration[];
  /** Versions both sides agree on (applied with the same checksum). */
  in_agreement: number;
}

/**
 * The history drift of a database against the project's migrations, from `compareHistory`'s
 * states, in its order (the project's apply order, then versions without a file): `changed`, `missing` and `out-of-order` are drift; `pending` is listed apart (a
 * migration not applied yet is the normal state before `apply`). A repeatable migration whose
 * checksum changed is pending again, as in Flyway.
 */
export function historyDriftOfStatuses(statuses: readonly MigrationStatus[]): HistoryDrift {
  const differences: HistoryDifference[] = [];
  const pending: PendingMigration[] = [];
  let inAgreement = 0;
  for (const status of statuses) {
    const { version, name, file } = status;
    const onDisk = { checksum: status.checksum, applied_at: null };
    switch (status.state) {
      case "applied":
        inAgreement += 1;
        break;
      case "pending":
        pending.push({ version, name, file });
        break;
      case "changed":
        differences.push({
          version,
          name,
          state: "changed",
          file,
          target: { checksum: status.recorded_checksum ?? "", applied_at: status.applied_at },
          against: onDisk,
        });
        break;
      case "missing":
        differences.push({
          version,
          name,
          state: "missing",
          file: null,
          target: { checksum: status.checksum, applied_at: status.applied_at },
          against: null,
        });
        break;
      case "out-of-order":
        differences.push({ version, name, state: "out-of-order", file, target: null, against: onDisk });
        break;
    }
  }
  return { differences, pending, in_agreement: inAgreement };
}

/**
 * The history drift between two databases, from their `drydock.migrations`: versions applied in
 * one and not the other, and versions both applied with different checksums (different SQL ran
 * under one version). `migrations` names the project's file of each version, when it has one.
 */
export function compareHistories(
  target: readonly AppliedMigration[],
  against: readonly AppliedMigration[],
  migrations: readonly Migration[],
): HistoryDrift {
  const files = new Map(migrations.map((migration) => [migration.version, migration.up.file]));
  const theirs = new Map(against.map((row) => [row.version, row]));
  const ours = new Map(target.map((row) => [row.version, row]));
  const side = (row: AppliedMigration): HistorySide => ({ checksum: row.checksum, applied_at: row.applied_at });
  const differences: HistoryDifference[] = [];
  let inAgreement = 0;
  for (const row of target) {
    const other = theirs.get(row.version);
    const file = files.get(row.version) ?? null;
    if (!other) differences.push({ version: row.version, name: row.name, state: "only-in-target", file, target: side(row), against: null });
    else if (other.checksum !== row.checksum) {
      differences.push({ version: row.version, name: row.name, state: "changed", file, target: side(row), against: side(other) });
    } else inAgreement += 1;
  }
  for (const row of against) {
    if (ours.has(row.version)) continue;
    const file = files.get(row.version) ?? null;
    differences.push({ version: row.version, name: row.name, state: "only-in-against", file, target: null, against: side(row) });
  }
  return { differences: inProjectOrder(differences, migrations), pending: [], in_agreement: inAgreement };
}

/** The project's apply order; versions it has no file for after them, in version order. */
function inProjectOrder(differences: HistoryDifference[], migrations: readonly Migration[]): HistoryDifference[] {
  const position = new Map(migrations.map((migration, index) => [migration.version, index]));
  return differences.sort((a, b) => {
    const [x, y] = [position.get(a.version) ?? migrations.length, position.get(b.version) ?? migrations.length];
    return x - y || compareVersions(a.version, b.version);
  });
}
