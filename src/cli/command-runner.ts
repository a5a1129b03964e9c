import type { Command } from "commander";
import type { LoadProjectOptions } from "../api/load-project.js";
import type { TargetChoice } from "../config/resolve-target.js";
import type { CliIo, GlobalFlags, Output } from "./io.js";

/** Runs a command body with its global flags and an Output; main.ts reports what it throws. */
export type CommandRunner = (command: Command, body: (flags: GlobalFlags, output: Output) => Promise<void>) => Promise<void>;

/** `--dir` and `--config` as loadProject takes them. */
export function projectOptions(flags: GlobalFlags, io: CliIo): LoadProjectOptions {
  return {
    ...(flags.dir ? { dir: flags.dir } : {}),
    ...(flags.config ? { config: flags.config } : {}),
    environment: io.environment,
  };
}

/** `--env` and `--url` as the target resolution takes them. */
export function targetOptions(flags: GlobalFlags): TargetChoice {
  return { ...(flags.env ? { env: flags.env } : {}), ...(flags.url ? { url: flags.url } : {}) };
}

// Commands import their library modules inside their action (`await import(...)`): loading the
// analyzer, the parser or the database drivers for a command that does not use them would slow
// every start of the CLI.
