import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions } from "../command-runner.js";
import type { CliIo } from "../io.js";

interface DiffFlags {
  safe?: boolean;
}

/** `drydock diff <from> <to> [--safe]`: the SQL that turns `from` into `to`, on stdout. */
export function registerDiff(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("diff")
    .description("print the SQL that turns <from> into <to>; each is a URL, an environment, a snapshot file or `migrations`")
    .argument("<from>", "URL, environment name, snapshot file, or migrations (replayed into an embedded sandbox)")
    .argument("<to>", "URL, environment name, snapshot file, or migrations (replayed into an embedded sandbox)")
    .option("--safe", "leave out destructive statements (drops)")
    .action((from: string, to: string, options: DiffFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { diff } = await import("../../api/diff.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await diff(project, from, to, { safe: options.safe === true });
        const destructive = result.statements.filter((statement) => statement.startsWith("-- destructive:")).length;
        if (flags.json) output.json({ statements: result.statements, destructive });
        else if (result.statements.length > 0) io.stdout.write(`${result.statements.join("\n\n")}\n`);
        else output.human("-- no differences");
        output.exitWith(ExitCode.Ok);
      }),
    );
}
