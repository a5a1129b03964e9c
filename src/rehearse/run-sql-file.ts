import type { Engine } from "../db/engine.js";
import { ServerError } from "../db/server-error.js";
import type { StepError } from "../model/report.js";
import { LineIndex } from "../util/line-index.js";

/**
 * Runs a prelude or seed file as one script (PostgreSQL runs a multi-statement query in one
 * implicit transaction, so a failure leaves none of it). Returns null, or where it failed:
 * PostgreSQL's error position counts characters from the start of the script.
 */
export async function runSqlFile(engine: Engine, file: string, sql: string): Promise<StepError | null> {
  try {
    await engine.exec(sql);
    return null;
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    const at = error.position !== undefined ? new LineIndex(sql).locateCharacterPosition(0, error.position) : { line: 1, column: 1 };
    return { sqlstate: error.sqlstate, message: error.message, file, line: at.line, column: at.column, hint: error.hint ?? null };
  }
}
