import type { Command } from "commander";
import type { RestoreConfirmation, RollbackFromBackupResult } from "../../api/rollback-from-backup.js";
import { InputError } from "../../errors/drydock-error.js";
import { ExitCode } from "../../errors/exit-code.js";
import { plural } from "../../util/plural.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, GlobalFlags, Output } from "../io.js";

interface RollbackFlags {
  to?: string;
  steps?: string;
  fromBackup?: string;
  into?: string;
  yes?: boolean;
  by?: string;
}

/** `drydock rollback`: each mode is one flag that names what to go back to, and one function. */
export function registerRollback(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("rollback")
    .description("go back: run down migrations (--to VERSION, --steps N) or restore a backup taken by apply (--from-backup FILE)")
    .option("--to <version>", "roll back every migration applied after this version")
    .option("--steps <n>", "roll back the last N applied migrations")
    .option("--from-backup <file>", "restore this pg_dump file (apply writes them into apply.backup_dir)")
    .option("--into <url>", "restore into this database instead of the target, or `new`: a new database beside the target")
    .option("--yes", "confirm that the content of the database restored into is replaced (asked on a terminal otherwise)")
    .option("--by <name>", "who rolls back, for the audit trail")
    .action((options: RollbackFlags, command: Command) =>
      run(command, async (flags, output) => {
        const modes = [options.to, options.steps, options.fromBackup].filter((mode) => mode !== undefined).length;
        if (modes > 1) {
          throw new InputError("rollback takes one of --to, --steps and --from-backup", { hint: "Choose one way to go back." });
        }
        if (options.fromBackup !== undefined) return fromBackup(options.fromBackup, options, flags, output, io);
        if (options.to !== undefined || options.steps !== undefined) return downMigrations(options, flags, output, io);
        throw new InputError("rollback needs to know what to go back to", {
          hint: "drydock rollback --steps 1 undoes the last migration with its down; --from-backup .drydock/backups/<file>.dump restores a backup taken by apply.",
        });
      }),
    );
}

/** `--to V` / `--steps N`: the down migrations of the newest applied ones, newest first. */
async function downMigrations(options: RollbackFlags, flags: GlobalFlags, output: Output, io: CliIo): Promise<void> {
  const { loadProject } = await import("../../api/load-project.js");
  const { rollback } = await import("../../api/rollback.js");
  const { renderFailure } = await import("./apply.js");
  const steps = options.steps === undefined ? undefined : Number(options.steps);
  const project = await loadProject(projectOptions(flags, io));
  const result = await rollback(project, {
    ...targetOptions(flags),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(steps !== undefined ? { steps } : {}),
    ...(options.by ? { by: options.by } : {}),
    onEvent: (event) => {
      if (event.type === "applied")
        output.human(`  ${output.colors.green("↩")} ${event.version} ${event.name} ${output.colors.dim(`${event.durationMs} ms`)}`);
    },
  });
  output.json(result);
  if (result.failed) {
    output.error(renderFailure(result.failed, output));
    output.human(`${result.rolled_back.length} rolled back, then the down of ${result.failed.version} failed`);
    output.exitWith(ExitCode.No);
    return;
  }
  output.human(
    `${result.rolled_back.length} migration${result.rolled_back.length === 1 ? "" : "s"} rolled back in ${result.duration_ms} ms (run ${result.run_id})`,
  );
  output.exitWith(ExitCode.Ok);
}

async function fromBackup(file: string, options: RollbackFlags, flags: GlobalFlags, output: Output, io: CliIo): Promise<void> {
  const { loadProject } = await import("../../api/load-project.js");
  const { rollbackFromBackup } = await import("../../api/rollback-from-backup.js");
  const project = await loadProject(projectOptions(flags, io));
  const prompt = io.isTty ? io.prompt : undefined;
  const result = await rollbackFromBackup(project, {
    ...targetOptions(flags),
    file,
    ...(options.into !== undefined ? { into: options.into } : {}),
    yes: options.yes === true,
    ...(prompt ? { confirm: (request: RestoreConfirmation) => askDatabaseName(request, prompt, output) } : {}),
    ...(options.by ? { by: options.by } : {}),
  });
  output.json(result);
  for (const warning of result.restored.warnings) output.warn(warning);
  output.human(describe(result, output));
  output.exitWith(ExitCode.Ok);
}

/** The confirmation of a restore that replaces a database: its name, typed back. */
async function askDatabaseName(
  request: RestoreConfirmation,
  prompt: (question: string) => Promise<string>,
  output: Output,
): Promise<boolean> {
  const { colors } = output;
  const { backup } = request;
  const origin = [backup.database && `dumped from ${backup.database}`, backup.server_version && `PostgreSQL ${backup.server_version}`]
    .filter(Boolean)
    .join(", ");
  const question =
    `${colors.yellow("This replaces the content of")} ${colors.bold(request.database)} (${request.url_redacted})\n` +
    `with ${request.file} (${backup.tables.length} tables${origin ? `, ${origin}` : ""}).\n` +
    "Type the database name to confirm: ";
  return (await prompt(question)).trim() === request.database;
}

function describe(result: RollbackFromBackupResult, output: Output): string {
  const { restored } = result;
  const what = `${restored.tables.length} table${restored.tables.length === 1 ? "" : "s"} in ${restored.duration_ms} ms (pg_restore ${restored.pg_restore_version})`;
  const lines = [`${output.colors.green("✓")} restored ${restored.file} into ${restored.url_redacted}: ${what}`];
  if (restored.mode === "new") lines.push(`  the target ${result.target.url_redacted} was not touched`);
  if (result.runs_kept > 0) lines.push(`  ${plural(result.runs_kept, "run")} since the backup kept in drydock.runs (the audit trail)`);
  if (result.run_id !== null) lines.push(`  recorded as run ${result.run_id} in drydock.runs`);
  return lines.join("\n");
}
