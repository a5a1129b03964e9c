import type { Command } from "commander";
import type { AdoptResult } from "../../api/adopt.js";
import { ExitCode } from "../../errors/exit-code.js";
import { plural } from "../../util/plural.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

interface AdoptFlags {
  from?: string;
  table?: string;
  dryRun?: boolean;
  by?: string;
}

/** Migrations listed one per line before the rest is summed up. */
const shownPerList = 20;

/**
 * `drydock adopt --from <tool> [--table <schema.table>] [--dry-run] [--by <name>]`: imports the
 * history of the tool that migrated the database until now (SPEC §4), so drydock takes over
 * without running anything again. Prints what was adopted and what stays pending; `--json`
 * prints `{ target, env, from, table, adopted, already_recorded, pending, warnings, run_id, dry_run }`.
 */
export function registerAdopt(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("adopt")
    .description("import the migration history of supabase, flyway, dbmate, golang-migrate, prisma or node-pg-migrate")
    .option("--from <tool>", "the tool that migrated the database: supabase, flyway, dbmate, golang-migrate, prisma, node-pg-migrate")
    .option("--table <schema.table>", "the tool's history table, when it is not where the tool keeps it by default")
    .option("--dry-run", "show what would be adopted and write nothing")
    .option("--by <name>", "who adopts, for the audit trail")
    .action((options: AdoptFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { adopt } = await import("../../api/adopt.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await adopt(project, {
          ...targetOptions(flags),
          from: options.from ?? "",
          ...(options.table !== undefined ? { table: options.table } : {}),
          ...(options.by !== undefined ? { by: options.by } : {}),
          dryRun: options.dryRun === true,
        });
        output.json(result);
        for (const warning of result.warnings) output.warn(warning);
        output.human(renderAdoption(result, output));
        output.exitWith(ExitCode.Ok);
      }),
    );
}

function renderAdoption(result: AdoptResult, output: Output): string {
  const { colors } = output;
  const source = `${result.from} (${result.table})`;
  const lines: string[] = [];
  const count = (n: number) => plural(n, "migration");
  if (result.adopted.length === 0) {
    lines.push(
      result.already_recorded.length > 0
        ? `nothing to adopt: the ${count(result.already_recorded.length)} ${source} applied ${result.already_recorded.length === 1 ? "is" : "are"} already in drydock's history`
        : `nothing to adopt: ${source} records no applied migration`,
    );
  } else if (result.dry_run) {
    lines.push(`dry run: would adopt ${count(result.adopted.length)} from ${source} into ${result.target.url_redacted}`);
  } else {
    lines.push(
      `${colors.green("✓")} adopted ${count(result.adopted.length)} from ${source} into ${result.target.url_redacted} (run #${result.run_id})`,
    );
  }
  const width = Math.max(7, ...result.adopted.map((entry) => entry.version.length), ...result.pending.map((entry) => entry.version.length));
  for (const entry of result.adopted.slice(0, shownPerList)) {
    const when = entry.applied_at ? colors.dim(`  applied ${entry.applied_at} by ${entry.applied_by}`) : "";
    lines.push(`  ${colors.green("✓")} ${entry.version.padEnd(width)}  ${entry.name}${when}`);
  }
  if (result.adopted.length > shownPerList) lines.push(colors.dim(`    … and ${result.adopted.length - shownPerList} more`));
  if (result.adopted.length > 0 && result.already_recorded.length > 0) {
    lines.push(colors.dim(`  ${count(result.already_recorded.length)} already in drydock's history`));
  }
  if (result.pending.length > 0) {
    const them = result.pending.length === 1 ? "it" : "them";
    lines.push(`${count(result.pending.length)} pending: ${result.from} never applied ${them}; drydock apply will run ${them}`);
    for (const entry of result.pending.slice(0, shownPerList))
      lines.push(`  ${colors.cyan("•")} ${entry.version.padEnd(width)}  ${entry.name}`);
    if (result.pending.length > shownPerList) lines.push(colors.dim(`    … and ${result.pending.length - shownPerList} more`));
  }
  lines.push(
    result.dry_run && result.adopted.length > 0
      ? colors.dim("nothing written; run again without --dry-run to record them")
      : `next: drydock status${result.pending.length > 0 ? ", then drydock apply" : ""}`,
  );
  return lines.join("\n");
}
