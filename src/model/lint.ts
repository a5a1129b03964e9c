/** Severity of a lint finding, strongest first. */
export const severities = ["error", "warning", "info"] as const;
export type Severity = (typeof severities)[number];

/** One lint finding (SPEC §4 `lint --format json`). */
export interface LintFinding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  message: string;
  /** Why it matters: what breaks or who waits. */
  why: string;
  /** The safe way to do the same thing. */
  alternative: string;
  /** True when `-- drydock:allow <rule> <reason>` covers it; the reason is kept. */
  suppressed: boolean;
  suppression_reason?: string;
  /** The source line the finding points at, for code frames. */
  source_line?: string;
}

/** True when `severity` is at least as strong as `threshold`. */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severities.indexOf(severity) <= severities.indexOf(threshold);
}
