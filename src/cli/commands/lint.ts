import type { Command } from "commander";
import { InputError } from "../../errors/drydock-error.js";
import { ExitCode } from "../../errors/exit-code.js";
import { isAtLeast, type Severity, severities } from "../../model/lint.js";
import { type CommandRunner, projectOptions, targetOptions } from "../command-runner.js";
import type { CliIo } from "../io.js";

const formats = ["text", "json", "github", "sarif"] as const;

interface LintFlags {
  format: string;
  cache: boolean;
  failOn?: string;
  serverVersion?: string;
  explain?: string;
}

export function registerLint(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command("lint")
    .argument("[paths...]", "SQL files or migration folders (default: the project's migrations)")
    .description("lint migrations for lock hazards, destructive changes, security (RLS) and correctness")
    .option("--format <format>", "text | json | github | sarif", "text")
    .option("--fail-on <severity>", "error | warning | info (default: lint.fail_on)")
    .option("--server-version <major>", "PostgreSQL major version to assume (default: the target's, else lint.server_version)")
    .option("--explain <rule>", "print what a rule checks, why, and the safe alternative")
    .option("--no-cache", "lint from the files: neither read nor write .drydock/cache (a one-off run, as in CI)")
    .action((paths: string[], options: LintFlags, command: Command) =>
      run(command, async (flags, output) => {
        const { findRule, rules } = await import("../../lint/registry.js");
        if (options.explain) {
          const rule = findRule(options.explain);
          if (!rule)
            throw new InputError(`no lint rule "${options.explain}"`, {
              hint: `Known rules: ${rules.map((known) => known.id).join(", ")}.`,
            });
          io.stdout.write(
            `${rule.id} (${rule.category}, ${rule.severity})\n  ${rule.summary}\n\nwhy: ${rule.why}\ninstead: ${rule.alternative}\nmore: docs/rules/${rule.id}.md\n`,
          );
          output.exitWith(ExitCode.Ok);
          return;
        }
        const format = flags.json ? "json" : options.format;
        if (!formats.includes(format as (typeof formats)[number]))
          throw new InputError(`unknown lint format "${format}"`, { hint: `Use one of: ${formats.join(", ")}.` });
        const failOnFlag = options.failOn;
        if (failOnFlag !== undefined && !severities.includes(failOnFlag as Severity)) {
          throw new InputError(`--fail-on must be error, warning or info (got "${failOnFlag}")`);
        }
        const serverVersion = options.serverVersion === undefined ? undefined : Number(options.serverVersion);
        if (serverVersion !== undefined && !(Number.isInteger(serverVersion) && serverVersion >= 9 && serverVersion <= 99)) {
          throw new InputError(`--server-version must be a PostgreSQL major version such as 15 (got "${options.serverVersion}")`);
        }
        const { loadProject } = await import("../../api/load-project.js");
        const { lint } = await import("../../api/lint.js");
        const project = await loadProject(projectOptions(flags, io));
        const result = await lint(project, {
          ...targetOptions(flags),
          paths,
          cache: options.cache,
          ...(serverVersion !== undefined ? { serverVersion } : {}),
        });
        if (format === "json") io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else if (format === "github")
          io.stdout.write(`${(await import("../../report/render-lint-github.js")).renderLintGithub(result.findings)}\n`);
        else if (format === "sarif")
          io.stdout.write(
            `${JSON.stringify((await import("../../report/render-lint-sarif.js")).renderLintSarif(result.findings, rules), null, 2)}\n`,
          );
        else output.human((await import("../../report/render-lint-text.js")).renderLintText(result.findings));
        const failOn = (failOnFlag as Severity | undefined) ?? project.config.lint.fail_on;
        const failing = result.findings.some((finding) => !finding.suppressed && isAtLeast(finding.severity, failOn));
        output.exitWith(failing ? ExitCode.No : ExitCode.Ok);
      }),
    );
}
