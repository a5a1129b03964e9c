import type { Command } from "commander";
import { InputError } from "../../errors/drydock-error.js";
import { ExitCode } from "../../errors/exit-code.js";
import type { PlanFinding } from "../../model/plan.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo } from "../io.js";

const formats = ["text", "json", "mermaid", "dot"] as const;

export function registerPlan(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("plan")
    .description("static analysis of pending migrations: inventory, dependencies, predicted locks, findings")
    .option("--format <format>", "text | json | mermaid | dot", "text")
    .option("--all", "plan every migration, not only the pending ones")
    .option("--no-cache", "plan from the files: neither read nor write .drydock/cache")
    .action((options: { format: string; all?: boolean; cache: boolean }, command: Command) =>
      run(command, async (flags, output) => {
        if (!formats.includes(options.format as (typeof formats)[number])) {
          throw new InputError(`unknown plan format "${options.format}"`, { hint: `Use one of: ${formats.join(", ")}.` });
        }
        const { loadProject } = await import("../../api/load-project.js");
        const { plan, planJson } = await import("../../api/plan.js");
        const project = await loadProject(projectOptions(flags, io));
        const planOptions = { ...targetOptions(flags), ...(options.all ? { all: true } : {}), cache: options.cache };
        const format = flags.json ? "json" : options.format;
        let findings: PlanFinding[];
        if (format === "json") {
          // As text: a plan served from the cache is printed as stored, without parsing it.
          const printed = await planJson(project, planOptions);
          io.stdout.write(`${printed.text}\n`);
          findings = printed.findings;
        } else {
          const { renderPlanDot, renderPlanMermaid } = await import("../../report/render-plan-graph.js");
          const { renderPlanText } = await import("../../report/render-plan-text.js");
          const result = await plan(project, planOptions);
          if (format === "mermaid") io.stdout.write(`${renderPlanMermaid(result)}\n`);
          else if (format === "dot") io.stdout.write(`${renderPlanDot(result)}\n`);
          else output.human(renderPlanText(result, result.target ? `against ${result.target.url_redacted}` : "from empty (no target)"));
          findings = result.findings;
        }
        const hasCycle = findings.some((finding) => finding.kind === "dependency-cycle");
        const hasError = findings.some((finding) => finding.severity === "error");
        output.exitWith(hasCycle ? ExitCode.BadInput : hasError ? ExitCode.No : ExitCode.Ok);
      }),
    );
}
