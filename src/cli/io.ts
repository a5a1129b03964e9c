import pc from "picocolors";
import { renderCodeFrame } from "../errors/code-frame.js";
import { DrydockError } from "../errors/drydock-error.js";
import { ExitCode } from "../errors/exit-code.js";
import { serverEnvironmentError } from "../errors/server-environment-error.js";
import { redactUrl } from "../util/redact-url.js";

/** Global flags every command accepts (SPEC §4). */
export interface GlobalFlags {
  dir?: string;
  config?: string;
  env?: string;
  url?: string;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Where a command writes, and how it ends. Tests pass their own streams. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  environment: Record<string, string | undefined>;
  isTty: boolean;
  exitCode: ExitCode;
  /** Calls the handler on Ctrl-C / SIGTERM instead of dying at once; returns the unsubscribe. */
  onInterrupt?: (handler: () => void) => () => void;
  /** Asks a question on the terminal and returns the answer ("" on Ctrl-C); absent when stdin is not a terminal. */
  prompt?: (question: string) => Promise<string>;
}

/** The output helpers of one command run, shaped by the global flags. */
export class Output {
  readonly colors: ReturnType<typeof pc.createColors>;

  constructor(
    private readonly io: CliIo,
    readonly flags: GlobalFlags,
  ) {
    const colorWanted = flags.color !== false && io.isTty && !("NO_COLOR" in io.environment);
    this.colors = pc.createColors(colorWanted);
  }

  /** Human text: stdout normally, stderr with --json (stdout then holds only the JSON). */
  human(text: string): void {
    if (this.flags.quiet) return;
    (this.flags.json ? this.io.stderr : this.io.stdout).write(`${text}\n`);
  }

  /** The machine-readable result, only with --json. */
  json(value: unknown): void {
    if (this.flags.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A warning on stderr, even with --quiet. */
  warn(text: string): void {
    this.io.stderr.write(`${this.colors.yellow("warning:")} ${text}\n`);
  }

  /** An error on stderr, even with --quiet. */
  error(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  exitWith(code: ExitCode): void {
    this.io.exitCode = code;
  }
}

/** Prints any thrown value as a one-screen message and returns its exit code. */
export function reportError(thrown: unknown, output: Output, verbose: boolean): ExitCode {
  const { colors } = output;
  const error = serverEnvironmentError(thrown) ?? thrown;
  if (error instanceof DrydockError) {
    const lines = [`${colors.red(colors.bold("error:"))} ${redactUrl(error.message)}`];
    if (error.details.location) lines.push(renderCodeFrame(error.details.location, error.details.sourceLine));
    if (error.details.hint) lines.push(`  = hint: ${redactUrl(error.details.hint)}`);
    if (verbose && error.stack) lines.push(redactUrl(error.stack));
    if (verbose && error.cause instanceof Error && error.cause.stack) lines.push(`caused by: ${redactUrl(error.cause.stack)}`);
    output.error(lines.join("\n"));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [
    `${colors.red(colors.bold("internal error:"))} ${redactUrl(message)}`,
    "  = this is a drydock bug: please report it with the output of the same command run with --verbose.",
  ];
  if (verbose && error instanceof Error && error.stack) lines.push(redactUrl(error.stack));
  output.error(lines.join("\n"));
  return ExitCode.BadInput;
}
