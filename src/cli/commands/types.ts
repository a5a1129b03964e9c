import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo } from "../io.js";

interface TypesFlags {
  from?: string;
  output?: string;
  schema?: string[];
}

/**
 * `drydock types [--from <source>] [--schema <name...>] [--output <file>]`: the TypeScript
 * types of the schema (Supabase's `Database` shape) on stdout or in a file.
 */
export function registerTypes(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("types")
    .description("print the TypeScript types of the schema (the Database shape of supabase gen types typescript)")
    .option(
      "--from <source>",
      "read migrations (replayed into an embedded sandbox), a snapshot file, a URL or an environment instead of the target",
    )
    .option("--schema <name...>", "type only these schemas (default: project.schemas)")
    .option("--output <file>", "write the TypeScript to this file (default: stdout)")
    .action((options: TypesFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { describeSource, types } = await import("../../api/types.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await types(project, {
          ...targetOptions(flags),
          ...(options.from !== undefined ? { from: options.from } : {}),
          ...(options.schema ? { schemas: options.schema } : {}),
        });
        if (options.output) {
          const file = resolve(options.output);
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, result.typescript, "utf8");
          output.json({ file, ...result });
          output.human(`wrote ${options.output}: schemas ${result.schemas.join(", ")} from ${describeSource(result.source)}`);
        } else if (flags.json) {
          output.json(result);
        } else {
          io.stdout.write(result.typescript);
        }
        output.exitWith(ExitCode.Ok);
      }),
    );
}
