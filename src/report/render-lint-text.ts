import { renderCodeFrame } from "../errors/code-frame.js";
import type { LintFinding } from "../model/lint.js";

/** Findings grouped by file, each with its code frame, why it matters and the safe alternative. */
export function renderLintText(findings: readonly LintFinding[]): string {
  if (findings.length === 0) return "no lint findings";
  const lines: string[] = [];
  let currentFile = "";
  for (const finding of findings) {
    if (finding.file !== currentFile) {
      if (currentFile) lines.push("");
      currentFile = finding.file;
      lines.push(finding.file);
    }
    const suppressed = finding.suppressed ? ` (allowed: ${finding.suppression_reason})` : "";
    lines.push(`${finding.severity}[${finding.rule}]: ${finding.message}${suppressed}`);
    lines.push(renderCodeFrame({ file: finding.file, line: finding.line, column: finding.column }, finding.source_line));
    lines.push(`  = why: ${finding.why}`, `  = instead: ${finding.alternative}`);
  }
  const active = findings.filter((finding) => !finding.suppressed);
  const counts = ["error", "warning", "info"].map((severity) => {
    const count = active.filter((finding) => finding.severity === severity).length;
    return `${count} ${severity === "info" || count === 1 ? severity : `${severity}s`}`;
  });
  lines.push("", `${counts.join(", ")}${findings.length > active.length ? `, ${findings.length - active.length} allowed` : ""}`);
  return lines.join("\n");
}
