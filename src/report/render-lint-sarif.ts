import type { Rule } from "../lint/rule.js";
import type { LintFinding } from "../model/lint.js";

/** Placeholder until the SARIF renderer lands: see issue "Lint". */
export function renderLintSarif(_findings: readonly LintFinding[], _rules: readonly Rule[]): unknown {
  throw new Error("SARIF output is not implemented yet");
}
