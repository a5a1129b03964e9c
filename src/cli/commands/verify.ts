import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import type { CheckResult } from "../../model/check.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

/** `drydock verify`: the verification suite against a live database, read only. Exit 0 all pass, 1 a check failed. */
export function registerVerify(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("verify")
    .description("run the verification suite against a live database (read only) and write its evidence")
    .option("--evidence-dir <dir>", "parent folder of the evidence package (default .drydock/evidence)")
    .option("--no-evidence", "write no evidence package")
    .action((options: { evidenceDir?: string; evidence?: boolean }, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { verify } = await import("../../api/verify.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await verify(project, {
          ...targetOptions(flags),
          ...(options.evidenceDir ? { evidenceRoot: options.evidenceDir } : {}),
          ...(options.evidence === false ? { noEvidence: true } : {}),
        });
        output.json(result);
        output.human(renderChecks(result.report.checks, output));
        const { verdict } = result.report.decision;
        const failed = result.report.checks.filter((check) => check.status === "fail").length;
        output.human(
          `\n${verdict === "GO" ? output.colors.green("all checks pass") : output.colors.red(`${failed} check${failed === 1 ? "" : "s"} failed`)}${result.evidence_dir ? ` · evidence: ${result.evidence_dir}` : ""}`,
        );
        output.exitWith(verdict === "GO" ? ExitCode.Ok : ExitCode.No);
      }),
    );
}

/** One line per check: mark, id, summary; the details of those that did not pass under them. */
export function renderChecks(checks: readonly CheckResult[], output: Output): string {
  const { colors } = output;
  const marks = { pass: colors.green("✓"), fail: colors.red("✗"), warn: colors.yellow("!"), skip: colors.dim("-") };
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${marks[check.status]} ${check.id.padEnd(20)} ${check.summary}`);
    if (check.status === "fail" || check.status === "warn")
      for (const detail of check.details.slice(0, 10)) lines.push(`    ${colors.dim(detail)}`);
  }
  return lines.join("\n");
}
