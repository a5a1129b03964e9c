import { redactSecrets } from "../util/redact-url.js";
import { conditionName } from "./sqlstate.js";

/** The fields PostgreSQL sends with an error, as both drivers expose them. */
interface RawServerError {
  message?: unknown;
  code?: unknown;
  position?: unknown;
  detail?: unknown;
  hint?: unknown;
  where?: unknown;
  severity?: unknown;
  completedStatements?: unknown;
}

/**
 * An error PostgreSQL returned for a statement, normalised across `pg` and PGlite. `position`
 * is PostgreSQL's: a 1-based character count within the statement text that was sent.
 */
export class ServerError extends Error {
  readonly sqlstate: string;
  readonly condition: string | undefined;
  readonly position: number | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly where: string | undefined;
  /** In a multi-statement simple query: how many statements completed before this error. */
  readonly completedStatements: number | undefined;

  constructor(raw: RawServerError, secrets: readonly string[] = []) {
    const clean = (value: unknown) => (typeof value === "string" && value !== "" ? redactSecrets(value, secrets) : undefined);
    super(clean(raw.message) ?? "unknown server error");
    this.name = "ServerError";
    this.sqlstate = typeof raw.code === "string" ? raw.code : "XX000";
    this.condition = conditionName(this.sqlstate);
    const position = Number(raw.position);
    this.position = Number.isFinite(position) && position > 0 ? position : undefined;
    this.detail = clean(raw.detail);
    this.hint = clean(raw.hint);
    this.where = clean(raw.where);
    this.completedStatements = typeof raw.completedStatements === "number" ? raw.completedStatements : undefined;
  }

  /** "42703 undefined_column", or just the code when its name is not known. */
  get codeLabel(): string {
    return this.condition ? `${this.sqlstate} ${this.condition}` : this.sqlstate;
  }
}

/** True when the thrown value carries a SQLSTATE, i.e. came from the server. */
export function isRawServerError(error: unknown): error is RawServerError & Error {
  return (
    error instanceof Error &&
    typeof (error as RawServerError).code === "string" &&
    /^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code)
  );
}
