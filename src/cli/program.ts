import { Command, CommanderError } from "commander";
import { ExitCode } from "../errors/exit-code.js";
import { toolVersion } from "../version.js";
import type { CommandRunner } from "./command-runner.js";
import { registerAdopt } from "./commands/adopt.js";
import { registerApply } from "./commands/apply.js";
import { registerApprove } from "./commands/approve.js";
import { registerDiff } from "./commands/diff.js";
import { registerDrift } from "./commands/drift.js";
import { registerHistory } from "./commands/history.js";
import { registerInit } from "./commands/init.js";
import { registerLint } from "./commands/lint.js";
import { registerNew } from "./commands/new.js";
import { registerPlan } from "./commands/plan.js";
import { registerRehearse } from "./commands/rehearse.js";
import { registerRepair } from "./commands/repair.js";
import { registerReport } from "./commands/report.js";
import { registerRollback } from "./commands/rollback.js";
import { registerSnapshot } from "./commands/snapshot.js";
import { registerStatus } from "./commands/status.js";
import { registerTypes } from "./commands/types.js";
import { registerVerify } from "./commands/verify.js";
import { type CliIo, type GlobalFlags, Output, reportError } from "./io.js";

/**
 * Runs the command line in-process and returns the exit code (SPEC §4). The `drydock` binary
 * and the tests both call this; only the binary touches `process`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const program = new Command("drydock")
    .description("Make PostgreSQL migrations the safest step of a release.")
    .version(toolVersion, "-V, --version")
    .option("--dir <dir>", "project root (default: the current directory)")
    .option("--config <file>", "configuration file (default: <dir>/drydock.toml)")
    .option("--env <name>", "environment of drydock.toml to work on")
    .option("--url <url>", "database URL: postgres://…, pglite:memory or pglite:<dir> (overrides --env; default DATABASE_URL)")
    .option("--json", "machine-readable output on stdout, human text on stderr")
    .option("--no-color", "no colours")
    .option("--quiet", "print only warnings and errors")
    .option("--verbose", "print stack traces of errors")
    .showHelpAfterError("(run drydock --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const run: CommandRunner = async (command, body) => {
    const flags = command.optsWithGlobals<GlobalFlags>();
    const output = new Output(io, flags);
    try {
      await body(flags, output);
    } catch (error) {
      output.exitWith(reportError(error, output, flags.verbose === true));
    }
  };
  registerInit(program, run);
  registerNew(program, io, run);
  registerStatus(program, io, run);
  registerApply(program, io, run);
  registerPlan(program, io, run);
  registerRehearse(program, io, run);
  registerLint(program, io, run);
  registerSnapshot(program, io, run);
  registerDiff(program, io, run);
  registerDrift(program, io, run);
  registerReport(program, io, run);
  registerRollback(program, io, run);
  registerApprove(program, io, run);
  registerHistory(program, io, run);
  registerVerify(program, io, run);
  registerRepair(program, io, run);
  registerAdopt(program, io, run);
  registerTypes(program, io, run);

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const isHelpOrVersion = error.exitCode === 0;
      return isHelpOrVersion ? ExitCode.Ok : ExitCode.BadInput;
    }
    throw error;
  }
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.BadInput;
  }
  return io.exitCode;
}
