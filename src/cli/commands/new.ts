import type { Command } from "commander";
import { loadProject } from "../../api/load-project.js";
import { newMigration } from "../../api/new-migration.js";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions } from "../command-runner.js";
import type { CliIo } from "../io.js";

export function registerNew(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("new")
    .argument("<name>", "what the migration does, e.g. add_users_email")
    .description("create an empty migration <UTC timestamp>_<name> with up and down parts")
    .action((name: string, _options: unknown, command: Command) =>
      run(command, async (flags, output) => {
        const project = await loadProject(projectOptions(flags, io));
        const result = await newMigration(project, name);
        output.json(result);
        for (const file of result.files) output.human(`created ${file}`);
        output.exitWith(ExitCode.Ok);
      }),
    );
}
