import type { Command } from "commander";
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
        const { loadProject } = await import("../../api/load-project.js");
        const { newMigration } = await import("../../api/new-migration.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await newMigration(project, name);
        output.json(result);
        for (const file of result.files) output.human(`created ${file}`);
        output.exitWith(ExitCode.Ok);
      }),
    );
}
