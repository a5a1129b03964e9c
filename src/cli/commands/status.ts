import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import type { MigrationStatus } from "../../plan/compare-history.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

export function registerStatus(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("status")
    .description("show each migration: applied, pending, changed, missing or out-of-order")
    .action((_options: unknown, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { status } = await import("../../api/status.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await status(project, targetOptions(flags));
        output.json(result);
        output.human(renderStatus(result.migrations, output, result.target.url_redacted));
        const problems = result.migrations.filter((entry) => entry.state === "changed" || entry.state === "missing");
        output.exitWith(problems.length > 0 ? ExitCode.No : ExitCode.Ok);
      }),
    );
}

function renderStatus(migrations: MigrationStatus[], output: Output, url: string): string {
  const { colors } = output;
  const paint: Record<MigrationStatus["state"], (text: string) => string> = {
    applied: colors.green,
    pending: colors.cyan,
    changed: colors.red,
    missing: colors.red,
    "out-of-order": colors.yellow,
  };
  const width = Math.max(7, ...migrations.map((entry) => entry.version.length));
  const nameWidth = Math.max(4, ...migrations.map((entry) => entry.name.length));
  const lines = [`${url}`];
  for (const entry of migrations) {
    const when = entry.applied_at ? colors.dim(`  ${entry.applied_at}`) : "";
    lines.push(`  ${entry.version.padEnd(width)}  ${paint[entry.state](entry.state.padEnd(12))}  ${entry.name.padEnd(nameWidth)}${when}`);
  }
  const counts = new Map<string, number>();
  for (const entry of migrations) counts.set(entry.state, (counts.get(entry.state) ?? 0) + 1);
  const summary = [...counts].map(([state, count]) => `${count} ${state}`).join(", ");
  lines.push(migrations.length === 0 ? "no migrations found" : summary);
  return lines.join("\n");
}
