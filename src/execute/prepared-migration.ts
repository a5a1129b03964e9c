import type { Migration } from "../model/migration.js";
import type { ParsedScript } from "../parse/parse-sql.js";
import type { TransactionMode } from "../plan/transaction-mode.js";

/** A migration ready to run: its parsed up script and how it runs. */
export interface PreparedMigration {
  migration: Migration;
  script: ParsedScript;
  mode: TransactionMode;
}
