import type { Command } from "commander";
import type { ApproveResult } from "../../api/approve.js";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

interface ApproveFlags {
  plan?: string;
  by?: string;
  note?: string;
}

/**
 * `drydock approve --plan <hash> --env <env> --by <name> [--note <text>]`: records a GO approval
 * for a plan in the environment's database (SPEC §4), which its `require_approval` gate reads.
 * Prints what was recorded; `--json` prints `{ target, approval, run_id, warnings }`.
 */
export function registerApprove(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("approve")
    .description("record a GO approval for a plan in an environment (who, when, note), checked by require_approval")
    .option("--plan <hash>", "the full plan hash, as plan --json prints it")
    .option("--by <name>", "who approves (required)")
    .option("--note <text>", "why, or what was reviewed")
    .action((options: ApproveFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { approve } = await import("../../api/approve.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await approve(project, {
          plan: options.plan ?? "",
          env: flags.env ?? "",
          by: options.by ?? "",
          ...(options.note !== undefined ? { note: options.note } : {}),
          ...(flags.url ? { url: flags.url } : {}),
        });
        output.json(result);
        for (const warning of result.warnings) output.warn(warning);
        output.human(renderApproval(result, output));
        output.exitWith(ExitCode.Ok);
      }),
    );
}

function renderApproval(result: ApproveResult, output: Output): string {
  const { colors } = output;
  const { approval } = result;
  const lines = [
    `${colors.green("✓")} approved plan ${approval.plan_hash.slice(0, 12)}… for ${colors.bold(approval.env)} by ${approval.approved_by}`,
    `  plan ${approval.plan_hash}`,
    `  at ${approval.approved_at} from ${approval.os_user ?? "?"}@${approval.host ?? "?"}`,
  ];
  if (approval.note) lines.push(`  note: ${approval.note}`);
  lines.push(colors.dim(`  recorded in ${result.target.url_redacted} (approval #${approval.id}, run #${result.run_id})`));
  return lines.join("\n");
}
