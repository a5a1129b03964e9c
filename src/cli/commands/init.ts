import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import type { CommandRunner } from "../command-runner.js";

export function registerInit(program: Command, run: CommandRunner): void {
  program
    .command("init")
    .description("write drydock.toml and migrations/ (points at supabase/, prisma/, db/ or Flyway sql/ migrations when present)")
    .action((_options: unknown, command: Command) =>
      run(command, async (flags, output) => {
        const { initProject } = await import("../../api/init-project.js");
        const result = await initProject(flags.dir ?? process.cwd());
        output.json(result);
        output.human(`wrote ${result.config_file}`);
        if (result.detected) output.human(`found ${result.detected} migrations in ${result.migrations}/`);
        else if (result.created_migrations_dir) output.human(`created ${result.migrations}/`);
        if (result.adopt_from.length > 0) {
          const tools = result.adopt_from.join(" or ");
          output.human(
            `next: a database ${tools} already migrated needs its history first: drydock adopt --from ${result.adopt_from.join("|")} --env <name> (before drydock apply there)`,
          );
        }
        output.human("next: drydock new <name>, then drydock apply --url pglite:memory");
        output.exitWith(ExitCode.Ok);
      }),
    );
}
