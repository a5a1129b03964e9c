import type { Command } from "commander";
import type { HistoryResult, HistoryRun } from "../../api/history.js";
import { ExitCode } from "../../errors/exit-code.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

/**
 * `drydock history [--limit N]`: the runs recorded in `drydock.runs` of the target, newest
 * first: when, which env and command, how it ended, the plan, who and from where; the note of
 * approvals. `--json` prints `{ target, runs: [...] }`.
 */
export function registerHistory(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("history")
    .description("list the runs recorded in the target (applies, approvals…), newest first: who, when, outcome, plan")
    .option("--limit <n>", "how many runs to list (default 20)")
    .action((options: { limit?: string }, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { history } = await import("../../api/history.js");
        let limit: number | undefined;
        if (options.limit !== undefined) {
          limit = /^\d+$/.test(options.limit.trim()) ? Number(options.limit) : Number.NaN;
          if (!(limit >= 1)) {
            const { InputError } = await import("../../errors/drydock-error.js");
            throw new InputError(`--limit "${options.limit}" is not a positive whole number`, {
              hint: "Pass --limit 50, say, or leave it out for the newest 20 runs.",
            });
          }
        }
        const project = await loadProject(projectOptions(flags, io));
        const result = await history(project, { ...targetOptions(flags), ...(limit !== undefined ? { limit } : {}) });
        output.json(result);
        output.human(renderHistory(result, output));
        output.exitWith(ExitCode.Ok);
      }),
    );
}

function renderHistory(result: HistoryResult, output: Output): string {
  const { colors } = output;
  const lines = [result.target.url_redacted];
  if (result.note) lines.push(colors.dim(result.note));
  const idWidth = Math.max(0, ...result.runs.map((entry) => String(entry.id).length)) + 1;
  const envWidth = Math.max(3, ...result.runs.map((entry) => (entry.env ?? "-").length));
  const commandWidth = Math.max(7, ...result.runs.map((entry) => entry.command.length));
  const outcomeWidth = Math.max(7, ...result.runs.map((entry) => entry.outcome.length));
  for (const entry of result.runs) {
    const paint = outcomeColor(entry.outcome, output);
    const plan = entry.plan_hash ? `plan ${entry.plan_hash.slice(0, 12)}` : "".padEnd(17);
    const who = `${entry.actor ?? entry.os_user ?? "?"}@${entry.host ?? "?"}`;
    lines.push(
      [
        `#${entry.id}`.padEnd(idWidth),
        when(entry),
        (entry.env ?? "-").padEnd(envWidth),
        entry.command.padEnd(commandWidth),
        paint(entry.outcome.padEnd(outcomeWidth)),
        plan,
        who,
      ].join("  "),
    );
    if (entry.note) lines.push(`${" ".repeat(idWidth + 2)}${colors.dim(`note: ${entry.note}`)}`);
  }
  return lines.join("\n");
}

/** "2026-03-01 10:00:00 → 10:00:03 UTC"; the finish in full when it is on another day. */
function when(entry: HistoryRun): string {
  const started = entry.started_at.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
  if (!entry.finished_at) return `${started} → …        UTC`;
  const finished = entry.finished_at.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
  const sameDay = finished.slice(0, 10) === started.slice(0, 10);
  return `${started} → ${sameDay ? finished.slice(11) : finished} UTC`;
}

function outcomeColor(outcome: string, output: Output): (text: string) => string {
  const { colors } = output;
  if (outcome === "applied" || outcome === "approved" || outcome === "nothing-to-do") return colors.green;
  if (outcome === "running") return colors.cyan;
  if (outcome === "interrupted") return colors.yellow;
  return colors.red;
}
