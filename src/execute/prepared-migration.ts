import type { Migration } from "../model/migration.js";
import type { ParsedScript } from "../parse/parse-sql.js";
import type { TransactionMode } from "../plan/transaction-mode.js";

/** A migration ready to run: its parsed up (or down) script and how it runs. */
export interface PreparedMigration {
  migration: Migration;
  /** The file of the script that runs: the up script's, or the down script's for a rollback. */
  file: string;
  script: ParsedScript;
  mode: TransactionMode;
}

/**
 * Parses a migration prepared on demand (`prepareMigrationsOnDemand`) ahead of its turn, while
 * the server is busy with something else. Its problems are left for its turn, where they are
 * reported.
 */
export function prepareAhead(next: PreparedMigration | undefined): void {
  try {
    next?.mode;
  } catch {
    // reported when `next` runs
  }
}

/**
 * Parses a migration prepared on demand now, so that its problem (a statement PostgreSQL refuses
 * inside the file's own transaction block) is thrown before anything runs instead of at its turn.
 */
export function prepareNow(entry: PreparedMigration): void {
  void entry.mode;
}
