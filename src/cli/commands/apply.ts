import type { Command } from "commander";
import type { ApplyEvent } from "../../api/apply.js";
import { renderCodeFrame } from "../../errors/code-frame.js";
import { ExitCode } from "../../errors/exit-code.js";
import type { MigrationFailure } from "../../execute/migration-failure.js";
import type { CheckResult } from "../../model/check.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

interface ApplyFlags {
  allowOutOfOrder?: boolean;
  verify?: boolean;
  overrideWindow?: string;
  verifyRestore?: boolean;
  by?: string;
  evidenceDir?: string;
}

export function registerApply(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("apply")
    .description(
      "pre-flight → gates → backup → apply (lock, transaction and timeouts per migration) → verify → roll back on failure; evidence",
    )
    .option("--allow-out-of-order", "also apply pending migrations that sort before applied ones")
    .option("--no-verify", "skip the verification suite after applying (and so the automatic rollback)")
    .option("--override-window <reason>", "apply outside the environment's maintenance window; the reason is recorded")
    .option("--verify-restore", "restore the backup into a scratch database and compare row counts before applying")
    .option("--by <name>", "who applies, for the audit trail")
    .option("--evidence-dir <dir>", "parent folder of evidence packages (default .drydock/evidence)")
    .action((options: ApplyFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { apply } = await import("../../api/apply.js");
        const { renderChecks } = await import("./verify.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await apply(project, {
          ...targetOptions(flags),
          ...(options.allowOutOfOrder ? { allowOutOfOrder: true } : {}),
          ...(options.verify === false ? { verify: false } : {}),
          ...(options.overrideWindow !== undefined ? { overrideWindow: options.overrideWindow } : {}),
          ...(options.verifyRestore ? { verifyRestore: true } : {}),
          ...(options.by ? { by: options.by } : {}),
          ...(options.evidenceDir ? { evidenceRoot: options.evidenceDir } : {}),
          onEvent: (event) => printEvent(event, output, renderChecks),
        });
        output.json(result);
        for (const warning of result.warnings) output.warn(warning);
        const evidence = result.evidence_dir ? `\nevidence: ${result.evidence_dir}` : "";
        if (result.blocked) {
          output.error(
            `${output.colors.red(output.colors.bold("blocked:"))} nothing was applied\n${result.blocked.map((reason) => `  - ${reason}`).join("\n")}`,
          );
          output.human(evidence.trim());
          output.exitWith(result.blocked_by_environment ? ExitCode.Environment : ExitCode.No);
          return;
        }
        if (result.failed) {
          output.error(renderFailure(result.failed, output));
          const notRun = result.skipped.filter((entry) => entry.reason.startsWith("not run")).length;
          output.human(`${result.applied.length} applied, 1 failed, ${notRun} not run (${result.duration_ms} ms)${evidence}`);
          output.exitWith(ExitCode.No);
          return;
        }
        if (result.rollback.status !== "not-needed") {
          output.error(
            `${output.colors.red(output.colors.bold("verification failed:"))}\n${result.rollback.details.map((line) => `  - ${line}`).join("\n")}`,
          );
          output.human(evidence.trim());
          output.exitWith(ExitCode.No);
          return;
        }
        output.human(
          (result.applied.length === 0
            ? "nothing to apply: the database is up to date"
            : `${result.applied.length} migration${result.applied.length === 1 ? "" : "s"} applied${result.checks.length > 0 ? " and verified" : ""} in ${result.duration_ms} ms`) +
            evidence,
        );
        output.exitWith(ExitCode.Ok);
      }),
    );
}

function printEvent(event: ApplyEvent, output: Output, renderChecks: (checks: CheckResult[], output: Output) => string): void {
  const { colors } = output;
  switch (event.type) {
    case "preflight":
      output.human(`${colors.bold("pre-flight")}\n${renderChecks(event.checks, output)}`);
      break;
    case "gates":
      if (event.checks.some((check) => check.status !== "skip"))
        output.human(`${colors.bold("gates")}\n${renderChecks(event.checks, output)}`);
      break;
    case "backup":
      output.human(`${colors.bold("backup")} ${event.backup.status}: ${event.backup.summary}`);
      break;
    case "verified":
      output.human(`${colors.bold("verification")}\n${renderChecks(event.checks, output)}`);
      break;
    case "rollback":
      output.human(`${colors.bold("rollback")} ${event.rollback.status}`);
      break;
    case "connected":
      output.human(`${colors.bold("drydock apply")} → ${event.url} (${event.engine} ${event.serverVersion})`);
      break;
    case "waiting-for-lock":
      output.human(`waiting for the drydock lock held by ${event.holder ?? "another session"} …`);
      break;
    case "applied":
      output.human(`  ${colors.green("✓")} ${event.version} ${event.name} ${colors.dim(`${event.durationMs} ms`)}`);
      for (const notice of event.notices.filter((entry) => entry.severity === "WARNING"))
        output.warn(`${event.version}: ${notice.message}`);
      break;
    case "retry":
      output.human(`  ${colors.yellow("↻")} ${event.version}: ${event.message}; retry ${event.attempt} in ${event.waitMs} ms`);
      break;
    case "failed":
      output.human(`  ${colors.red("✗")} ${event.version} ${event.failure.name}`);
      break;
    default:
      break;
  }
}

/** The failure of a migration as a code frame with SQLSTATE and hint. */
export function renderFailure(failure: MigrationFailure, output: Output): string {
  const { colors } = output;
  const code = failure.condition ? `${failure.sqlstate} ${failure.condition}` : failure.sqlstate;
  const lines = [
    `${colors.red(colors.bold("error:"))} migration ${failure.version} failed: ${failure.message} (${code})`,
    renderCodeFrame({ file: failure.file, line: failure.line, column: failure.column }, failure.source_line),
  ];
  if (failure.detail) lines.push(`  = detail: ${failure.detail}`);
  if (failure.context) lines.push(`  = context: ${failure.context}`);
  if (failure.hint) lines.push(`  = hint: ${failure.hint}`);
  if (!failure.partially_applied) lines.push("  = nothing of this migration was applied; the migrations before it stay applied.");
  return lines.join("\n");
}
