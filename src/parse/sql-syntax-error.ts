import { InputError, type SourceLocation } from "../errors/drydock-error.js";

/** A migration's text is not valid SQL: reported with file:line:column and the line itself. */
export class SqlSyntaxError extends InputError {
  constructor(message: string, location: SourceLocation, sourceLine: string, hint?: string) {
    super(message, {
      location,
      sourceLine,
      hint: hint ?? "Fix the SQL at this position; nothing was applied.",
    });
  }
}
