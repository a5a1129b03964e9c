import type { Command } from "commander";
import { ExitCode } from "../../errors/exit-code.js";
import type { CommandRunner } from "../command-runner.js";
import type { CliIo } from "../io.js";

/**
 * `drydock report <evidence-dir>`: renders `report.md` and `report.html` from the folder's
 * `report.json` (SPEC §9) and prints the paths written; `--json` prints `{ "markdown": path,
 * "html": path }`. Exit 0 whatever the verdict: the command renders evidence, it does not judge it.
 */
export function registerReport(program: Command, _io: CliIo, run: CommandRunner): void {
  program
    .command("report")
    .description("render report.md and report.html from the report.json of an evidence folder (.drydock/evidence/<run>/)")
    .argument("<evidence-dir>", "the evidence folder of a rehearse, apply or verify run")
    .action((evidenceDir: string, _options: unknown, command: Command) =>
      run(command, async (_flags, output) => {
        const { renderReport } = await import("../../api/report.js");
        const { markdownFile, htmlFile } = await renderReport(evidenceDir);
        output.json({ markdown: markdownFile, html: htmlFile });
        output.human(`wrote ${markdownFile}\nwrote ${htmlFile}`);
        output.exitWith(ExitCode.Ok);
      }),
    );
}
