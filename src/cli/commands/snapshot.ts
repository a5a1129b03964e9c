import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import type { Snapshot } from "../../model/snapshot.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo } from "../io.js";

interface SnapshotFlags {
  output?: string;
  exactCounts?: boolean;
}

export function registerSnapshot(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("snapshot")
    .description("write the catalog snapshot (JSON) of a target: tables, columns, constraints, indexes, policies, functions…")
    .option("--output <file>", "write the JSON to this file (default: stdout)")
    .option("--exact-counts", "count every table's rows with count(*) (reads each table), besides the estimates")
    .action((options: SnapshotFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { snapshot } = await import("../../api/snapshot.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await snapshot(project, { ...targetOptions(flags), exactCounts: options.exactCounts === true });
        const json = `${JSON.stringify(result, null, 2)}\n`;
        if (options.output) {
          const file = resolve(options.output);
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, json, "utf8");
          output.json({ file, ...summarize(result) });
          output.human(`wrote ${options.output}: ${describe(result)}`);
        } else {
          io.stdout.write(json);
        }
        output.exitWith(ExitCode.Ok);
      }),
    );
}

function summarize(result: Snapshot): Record<string, number> {
  return {
    schemas: result.schemas.length,
    tables: result.tables.length,
    views: result.views.length,
    functions: result.functions.length,
    types: result.types.length,
    sequences: result.sequences.length,
  };
}

function describe(result: Snapshot): string {
  const counts = Object.entries(summarize(result)).map(([kind, count]) => `${count} ${count === 1 ? kind.replace(/s$/, "") : kind}`);
  return `${counts.join(", ")} (${result.source.engine} ${result.source.server_version})`;
}
