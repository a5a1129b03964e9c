import type { Command } from "commander";
import type { RepairResult } from "../../api/repair.js";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

interface RepairFlags {
  markApplied?: string[];
  markPending?: string[];
  acceptChecksum?: string[];
  by?: string;
  dryRun?: boolean;
}

/**
 * `drydock repair --mark-applied V | --mark-pending V | --accept-checksum V` (each repeatable):
 * edits the target's history without running any migration, recorded in `drydock.runs` (SPEC §4).
 * `--json` prints `{ target, env, edits, unchanged, run_id, dry_run }`.
 */
export function registerRepair(program: Command, io: CliIo, run: CommandRunner): void {
  const collect = (value: string, earlier: string[] = []) => [...earlier, value];
  program
    .command("repair")
    .description("edit the history without running migrations: mark applied or pending, accept an edited file (audited)")
    .option("--mark-applied <version>", "record a migration as applied without running it (repeatable)", collect)
    .option("--mark-pending <version>", "forget a migration without running its down (repeatable)", collect)
    .option("--accept-checksum <version>", "record the edited file's checksum for an applied migration (repeatable)", collect)
    .option("--by <name>", "who repairs, for the audit log")
    .option("--dry-run", "show what would change and change nothing")
    .action((options: RepairFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { repair } = await import("../../api/repair.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await repair(project, {
          ...targetOptions(flags),
          ...(options.markApplied ? { markApplied: options.markApplied } : {}),
          ...(options.markPending ? { markPending: options.markPending } : {}),
          ...(options.acceptChecksum ? { acceptChecksum: options.acceptChecksum } : {}),
          ...(options.by !== undefined ? { by: options.by } : {}),
          dryRun: options.dryRun === true,
        });
        output.json(result);
        output.human(renderRepair(result, output));
        output.exitWith(ExitCode.Ok);
      }),
    );
}

const verbs: Record<RepairResult["edits"][number]["action"], string> = {
  "mark-applied": "marked applied:",
  "mark-pending": "marked pending:",
  "accept-checksum": "accepted the checksum of",
};

function renderRepair(result: RepairResult, output: Output): string {
  const { colors } = output;
  const lines = [result.target.url_redacted];
  for (const edit of result.edits) {
    const checksums = `${short(edit.checksum_before)} → ${short(edit.checksum_after)}`;
    const verb = result.dry_run ? `would have ${verbs[edit.action]}` : verbs[edit.action];
    lines.push(`  ${colors.green("✓")} ${verb} ${edit.version} ${edit.name}  ${colors.dim(checksums)}`);
  }
  for (const entry of result.unchanged) lines.push(`  ${colors.dim(`· ${entry.version}: ${entry.reason}`)}`);
  if (result.edits.length === 0) lines.push("nothing to repair");
  else if (result.dry_run) lines.push(colors.dim("dry run: nothing changed; run again without --dry-run to make these edits"));
  else lines.push(colors.dim(`recorded as run #${result.run_id} in drydock.runs; drydock status shows the history now`));
  return lines.join("\n");
}

function short(checksum: string | null): string {
  return checksum === null ? "none" : `${checksum.slice(0, 12)}…`;
}
