import type { LintFinding } from "../model/lint.js";

const commands = { error: "error", warning: "warning", info: "notice" } as const;

/** Data of a workflow command: %, CR and LF escaped (GitHub's own escaping rules). */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A property value: also `:` and `,`, which end a property. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * GitHub Actions workflow annotations, one line per unsuppressed finding:
 * `::error file=…,line=…,col=…,title=…::message`.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function renderLintGithub(findings: readonly LintFinding[]): string {
  return findings
    .filter((finding) => !finding.suppressed)
    .map((finding) => {
      const properties = [
        `file=${escapeProperty(finding.file)}`,
        `line=${finding.line}`,
        `col=${finding.column}`,
        `title=${escapeProperty(`drydock ${finding.rule}`)}`,
      ];
      return `::${commands[finding.severity]} ${properties.join(",")}::${escapeData(`${finding.message}. ${finding.why} Instead: ${finding.alternative}`)}`;
    })
    .join("\n");
}
