import { ExitCode } from "./exit-code.js";

/** A place in a source file. `line` and `column` are 1-based; `column` counts characters. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ErrorDetails {
  /** What the user can do next. */
  hint?: string;
  location?: SourceLocation;
  /** The source line shown under the location, when known. */
  sourceLine?: string;
  cause?: unknown;
}

/**
 * Every failure drydock reports on purpose. The message names what failed; `details` say where
 * and what to do next; `exitCode` maps it to SPEC §4. Anything else that is thrown is a bug.
 */
export abstract class DrydockError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
    this.details = details;
  }
}

/** Bad input from the user: a flag, a config key, a file name, a migration's text. Exit 2. */
export class InputError extends DrydockError {
  readonly exitCode = ExitCode.BadInput;
}

/** The environment is not usable: no connection, a lock held by someone else, a missing tool. Exit 3. */
export class EnvironmentError extends DrydockError {
  readonly exitCode = ExitCode.Environment;
}

/** An applied migration's file no longer has the checksum recorded when it was applied. */
export class ChecksumMismatchError extends InputError {
  constructor(
    readonly version: string,
    readonly file: string,
    readonly recorded: string,
    readonly current: string,
  ) {
    super(`migration ${version} (${file}) was edited after it was applied`, {
      hint:
        `Restore the applied file (checksum ${recorded.slice(0, 12)}…, now ${current.slice(0, 12)}…) ` +
        `and put the change in a new migration; if the edit changes nothing that ran (a comment, formatting), ` +
        `accept it: drydock repair --accept-checksum ${version}.`,
    });
  }
}
