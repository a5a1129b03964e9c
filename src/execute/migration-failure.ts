import type { ServerError } from "../db/server-error.js";
import type { ParsedStatement } from "../parse/parse-sql.js";
import type { PreparedMigration } from "./prepared-migration.js";

/** Why a migration did not apply, located in its file (SPEC §4 `apply --json` `failed`). */
export interface MigrationFailure {
  version: string;
  name: string;
  file: string;
  line: number;
  column: number;
  sqlstate: string;
  condition: string | null;
  message: string;
  detail: string | null;
  hint: string | null;
  /** PL/pgSQL or SQL-function context PostgreSQL gave (`where`). */
  context: string | null;
  /** The failing statement's source line, for the code frame. */
  source_line: string;
  /** 0-based index of the failing statement in the migration. */
  statement_index: number;
  /** True when earlier statements of a statement-by-statement migration stayed applied. */
  partially_applied: boolean;
  /** Indexes left INVALID by a failed concurrent build, by name. */
  invalid_indexes: string[];
}

/** Locates a server error inside the migration's file and keeps what the user needs. */
export function describeFailure(
  prepared: PreparedMigration,
  statement: ParsedStatement,
  error: ServerError,
  positionInStatement: number | undefined,
  extra: { hint?: string; partiallyApplied: boolean; invalidIndexes: string[] },
): MigrationFailure {
  const { lines } = prepared.script;
  const at =
    positionInStatement !== undefined
      ? lines.locateCharacterPosition(statement.startUnit, positionInStatement)
      : { line: statement.line, column: statement.column };
  return {
    version: prepared.migration.version,
    name: prepared.migration.name,
    file: prepared.file,
    line: at.line,
    column: at.column,
    sqlstate: error.sqlstate,
    condition: error.condition ?? null,
    message: error.message,
    detail: error.detail ?? null,
    hint: extra.hint ?? error.hint ?? null,
    context: error.where ?? null,
    source_line: lines.lineText(at.line),
    statement_index: statement.index,
    partially_applied: extra.partiallyApplied,
    invalid_indexes: extra.invalidIndexes,
  };
}
