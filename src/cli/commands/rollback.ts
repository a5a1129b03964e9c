import type { Command } from "commander";
import type { RestoreConfirmation, RollbackFromBackupResult } from "../../api/rollback-from-backup.js";
import { InputError } from "../../errors/drydock-error.js";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, GlobalFlags, Output } from "../io.js";

interface RollbackFlags {
  fromBackup?: string;
  into?: string;
  yes?: boolean;
  by?: string;
}

/** `drydock rollback`: each mode is one flag that names what to go back to, and one function. */
export function registerRollback(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("rollback")
    .description("go back: restore a backup taken by apply (--from-backup FILE)")
    .option("--from-backup <file>", "restore this pg_dump file (apply writes them into apply.backup_dir)")
    .option("--into <url>", "restore into this database instead of the target, or `new`: a new database beside the target")
    .option("--yes", "confirm that the content of the database restored into is replaced (asked on a terminal otherwise)")
    .option("--by <name>", "who rolls back, for the audit trail")
    .action((options: RollbackFlags, command: Command) =>
      run(command, async (flags, output) => {
        if (options.fromBackup !== undefined) return fromBackup(options.fromBackup, options, flags, output, io);
        throw new InputError("rollback needs to know what to go back to", {
          hint: "drydock rollback --from-backup .drydock/backups/<file>.dump restores a backup taken by apply.",
        });
      }),
    );
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
  if (result.run_id !== null) lines.push(`  recorded as run ${result.run_id} in drydock.runs`);
  return lines.join("\n");
}
