import type { SourceLocation } from "./drydock-error.js";

/**
 * Renders a location with its source line and a caret under the column, as compilers do:
 *
 *     --> migrations/0007_backfill.sql:3:26
 *      |
 *    3 | UPDATE users SET email = emali;
 *      |                          ^
 */
export function renderCodeFrame(location: SourceLocation, sourceLine: string | undefined): string {
  const head = `  --> ${location.file}:${location.line}:${location.column}`;
  if (sourceLine === undefined) return head;
  const gutter = String(location.line).length;
  const pad = " ".repeat(gutter);
  // Keep tabs as tabs so the caret lines up with the text above it in any terminal.
  const before = [...sourceLine].slice(0, Math.max(0, location.column - 1)).map((char) => (char === "\t" ? "\t" : " ")).join("");
  return [head, `${pad} |`, `${location.line} | ${sourceLine}`, `${pad} | ${before}^`].join("\n");
}
