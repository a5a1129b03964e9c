import type { SourceLocation } from "./drydock-error.js";

/**
 * Renders a location with its source line and a caret under the column, as compilers do:
 *
 *     --> migrations/0007_backfill.sql:3:26
 *      |
 *    3 | UPDATE users SET email = emali;
 *      |                          ^
 *
 * `column` counts characters; the caret's padding counts terminal cells (tabs kept, CJK and emoji
 * two cells, combining marks none), so it stays under the character in any terminal.
 */
export function renderCodeFrame(location: SourceLocation, sourceLine: string | undefined): string {
  const head = `  --> ${location.file}:${location.line}:${location.column}`;
  if (sourceLine === undefined) return head;
  const gutter = String(location.line).length;
  const pad = " ".repeat(gutter);
  const before = [...sourceLine]
    .slice(0, Math.max(0, location.column - 1))
    .map(padOf)
    .join("");
  return [head, `${pad} |`, `${location.line} | ${sourceLine}`, `${pad} | ${before}^`].join("\n");
}

// East Asian wide characters and emoji take two terminal cells; combining marks and variation selectors none.
const wideCharacter =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const zeroWidthCharacter = /[\p{Mn}\p{Me}\u200b-\u200f]/u; // variation selectors are Mn

/** What stands under one character of the source line so that the caret lines up with the text in a terminal. */
function padOf(char: string): string {
  if (char === "\t") return "\t"; // a tab stays a tab, whatever the terminal's tab width
  if (zeroWidthCharacter.test(char)) return "";
  return wideCharacter.test(char) ? "  " : " ";
}
