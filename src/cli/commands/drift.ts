import type { Command } from "commander";
import type { DriftResult } from "../../api/drift.js";
import { ExitCode } from "../../errors/exit-code.js";
import type { SnapshotDifference } from "../../model/snapshot.js";
import { plural } from "../../util/plural.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo, Output } from "../io.js";

interface DriftFlags {
  against?: string;
  writeBridge?: boolean | string;
  allowDestructive?: boolean;
}

/**
 * `drydock drift [--against <env|url|migrations>] [--write-bridge [name]] [--allow-destructive]`:
 * history and schema drift of the target; exit 1 when it drifted.
 */
export function registerDrift(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("drift")
    .description("show how a database drifted from the migrations (or from another database), in history and schema")
    .option("--against <source>", "compare with: migrations (default), an environment of drydock.toml, or a URL")
    .option("--write-bridge [name]", "write a migration <UTC timestamp>_bridge_<name> that turns the other side's schema into the target's")
    .option("--allow-destructive", "keep drops in the bridge migration (left out, as comments, by default)")
    .action((options: DriftFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { loadProject } = await import("../../api/load-project.js");
        const { drift } = await import("../../api/drift.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await drift(project, {
          ...targetOptions(flags),
          ...(options.against !== undefined ? { against: options.against } : {}),
          ...(options.writeBridge !== undefined ? { writeBridge: options.writeBridge } : {}),
          allowDestructive: options.allowDestructive === true,
        });
        output.json(result);
        output.human(renderDrift(result, output, { verbose: flags.verbose === true }));
        output.exitWith(result.drifted ? ExitCode.No : ExitCode.Ok);
      }),
    );
}

const sideName = (side: { env: string | null; url_redacted: string }): string => side.env ?? side.url_redacted;

function renderDrift(result: DriftResult, output: Output, options: { verbose: boolean }): string {
  const { colors } = output;
  const target = sideName(result.target);
  const against = result.against.kind === "migrations" ? "the migrations" : sideName(result.against);
  const title = result.target.env ? `${result.target.env} (${result.target.url_redacted})` : result.target.url_redacted;
  const lines = [`drift of ${title} against ${result.against.kind === "migrations" ? "the migrations" : against}`];

  const { history } = result;
  const counts = new Map<string, number>();
  for (const entry of history.differences) counts.set(entry.state, (counts.get(entry.state) ?? 0) + 1);
  const historySummary = [
    `${history.in_agreement} in agreement`,
    ...(history.pending.length > 0 ? [`${history.pending.length} pending (not drift)`] : []),
    ...[...counts].map(([state, count]) => `${count} ${state}`),
  ];
  lines.push(`history: ${historySummary.join(", ")}`);
  const versionWidth = Math.max(7, ...history.differences.map((entry) => entry.version.length));
  for (const entry of history.differences) {
    const state = colors.red(entry.state.padEnd(15));
    const detail =
      entry.state === "changed"
        ? `  ${target} ${short(entry.target?.checksum)}, ${result.against.kind === "migrations" ? "file" : against} ${short(entry.against?.checksum)}`
        : "";
    lines.push(`  ${state}  ${entry.version.padEnd(versionWidth)}  ${entry.name}${colors.dim(detail)}`);
  }

  const { differences } = result.schema;
  lines.push(`schema: ${differences.length === 0 ? "no differences" : plural(differences.length, "difference")}`);
  const where = (difference: SnapshotDifference) =>
    difference.change === "extra" ? `only in ${target}` : difference.change === "missing" ? `only in ${against}` : "changed";
  const whereWidth = Math.max(...differences.map((difference) => where(difference).length), 7);
  const kindWidth = Math.max(...differences.map((difference) => difference.kind.length), 4);
  for (const difference of differences) {
    const paint = difference.change === "changed" ? colors.yellow : difference.change === "extra" ? colors.cyan : colors.red;
    const what =
      difference.change === "changed"
        ? `.${difference.attribute}: ${show(difference.before)} in ${against}, ${show(difference.after)} in ${target}`
        : "";
    lines.push(`  ${paint(where(difference).padEnd(whereWidth))}  ${difference.kind.padEnd(kindWidth)}  ${difference.name}${what}`);
  }
  if (options.verbose && result.schema.statements.length > 0) {
    lines.push(`SQL that turns ${against} into ${target}:`, ...result.schema.statements.map((statement) => indent(statement)));
  }
  for (const note of result.notes) lines.push(`${colors.yellow("note:")} ${note}`);

  lines.push(result.drifted ? colors.red(colors.bold("drift found")) : colors.green("no drift"));
  if (result.bridge) {
    const { bridge } = result;
    lines.push(`bridge: wrote ${bridge.files.join(", ")} (version ${bridge.version}, ${bridge.statements} statements)`);
    if (bridge.left_out.length > 0) {
      const count = plural(bridge.left_out.length, "destructive statement");
      lines.push(`        left out: ${count}, as comments in the file (--allow-destructive keeps them)`);
    }
    lines.push(...bridge.next.map((command, index) => `${index === 0 ? "next:" : "     "} ${command}`));
  } else if (result.drifted) {
    lines.push(...hints(result));
  }
  return lines.join("\n");
}

/** What to do about each kind of drift found, when no bridge was written. */
function hints(result: DriftResult): string[] {
  const states = new Set(result.history.differences.map((entry) => entry.state));
  const first = (state: string) => result.history.differences.find((entry) => entry.state === state)?.version ?? "<version>";
  const hints: string[] = [];
  if (result.against.kind === "migrations") {
    if (states.has("changed"))
      hints.push(`an edited migration: restore its file, or accept it with drydock repair --accept-checksum ${first("changed")}`);
    if (states.has("missing"))
      hints.push(`a migration without its file: restore it, or forget it with drydock repair --mark-pending ${first("missing")}`);
    if (states.has("out-of-order")) hints.push("a migration sorted before applied ones: apply it with drydock apply --allow-out-of-order");
  }
  if (result.schema.differences.length > 0 && result.bridge === undefined) {
    hints.push("schema drift: write a bridge migration with the same command and --write-bridge");
  }
  return hints.map((hint) => `  = hint: ${hint}`);
}

function short(checksum: string | undefined): string {
  return checksum ? `${checksum.slice(0, 12)}…` : "none";
}

function show(value: unknown): string {
  const text = value === undefined ? "null" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function indent(statement: string): string {
  return statement
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
