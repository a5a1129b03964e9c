/** Migration file formats of SPEC §3. */
export const migrationFormats = [
  "plain",
  "dbmate",
  "golang-migrate",
  "flyway",
  "prisma",
  "diesel",
  "goose",
  "sql-migrate",
  "sqitch",
  "graphile-migrate",
] as const;

export type MigrationFormat = (typeof migrationFormats)[number];

/**
 * One direction of a migration, ready to run.
 *
 * `sql` keeps the line structure of `file`: lines that belong to the other direction (goose,
 * sql-migrate and dbmate sections) or to format markers are replaced by empty lines, so line N
 * of `sql` is line N of `file` and errors point into the real file. psql-style placeholders
 * (`:NAME`, `:'NAME'`, `:"NAME"`) defined in `[project.variables]` are already substituted.
 */
export interface MigrationScript {
  /** Path relative to the project root, with `/` separators. */
  file: string;
  sql: string;
  /**
   * `false` when the format itself says the script must run outside a transaction: goose
   * `-- +goose NO TRANSACTION`, sql-migrate `notransaction`, diesel `run_in_transaction = false`.
   * drydock's own `-- drydock:no-transaction` directive is read by plan/directives.ts, not here.
   */
  formatAllowsTransaction: boolean;
}

/** A migration found on disk, in apply order. */
export interface Migration {
  /**
   * The identifier recorded in history, as written in the file name ("0001", "2.1",
   * "20241025112826"). Sqitch uses the change name ("update_acl@1.2.0" for a reworked change's
   * earlier instance). A repeatable Flyway migration uses "R__<description>".
   */
  version: string;
  /** Human name from the file name ("add_users"); may be empty. */
  name: string;
  /** Versioned migrations run once; repeatable ones (Flyway `R__`) run again when their checksum changes. */
  kind: "versioned" | "repeatable";
  format: MigrationFormat;
  up: MigrationScript;
  down: MigrationScript | null;
  /** SHA-256 of the normalised bytes of the file(s) holding the up script (SPEC §3). */
  checksum: string;
}
