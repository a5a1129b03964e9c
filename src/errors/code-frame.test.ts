import { describe, expect, it } from "vitest";
import { renderCodeFrame } from "./code-frame.js";

const file = "migrations/0007_backfill_email.sql";

describe("renderCodeFrame", () => {
  it("puts the caret under the column", () => {
    const frame = renderCodeFrame({ file, line: 3, column: 26 }, "UPDATE users SET email = emali;");
    expect(frame).toBe(
      ["  --> migrations/0007_backfill_email.sql:3:26", "  |", "3 | UPDATE users SET email = emali;", `  | ${" ".repeat(25)}^`].join("\n"),
    );
  });

  it("puts the caret at the start of the line for column 1", () => {
    expect(renderCodeFrame({ file, line: 2, column: 1 }, "SELEC 2;").split("\n")[3]).toBe("  | ^");
  });

  it("widens the gutter for line numbers with more digits", () => {
    const frame = renderCodeFrame({ file, line: 120, column: 3 }, "x y");
    expect(frame.split("\n")).toEqual(["  --> migrations/0007_backfill_email.sql:120:3", "    |", "120 | x y", "    |   ^"]);
  });

  it("keeps tabs so the caret lines up with tab-indented text", () => {
    const frame = renderCodeFrame({ file, line: 4, column: 4 }, "\t\tx nope");
    expect(frame.split("\n")[3]).toBe("  | \t\t ^");
  });

  it("counts a non-ASCII character as one column", () => {
    const line = "SELECT 'café', nope;";
    const frame = renderCodeFrame({ file, line: 1, column: line.indexOf("nope") + 1 }, line);
    expect(frame.split("\n")[3]).toBe(`  | ${" ".repeat(15)}^`);
  });

  it("counts an emoji (a surrogate pair) as one character but two cells", () => {
    const line = "SELECT '😀', nope;";
    // "SELECT '😀', " is 12 characters; the emoji takes two cells in a terminal.
    const frame = renderCodeFrame({ file, line: 1, column: 13 }, line);
    expect(frame.split("\n")[3]).toBe(`  | ${" ".repeat(13)}^`);
  });

  it("gives wide CJK characters two cells so the caret stays under the text", () => {
    const line = "SELECT 日本 FRM x;";
    // Character column 15 is "x": 7 ASCII characters, 2 wide ones, 5 ASCII ones before it.
    const frame = renderCodeFrame({ file, line: 1, column: 15 }, line);
    expect(frame.split("\n")[3]).toBe(`  | ${" ".repeat(7 + 4 + 5)}^`);
  });

  it("gives a combining accent no cell", () => {
    const line = "SELECT 'cafe\u0301', nope;";
    // "e" + U+0301 are two characters shown in one cell.
    const frame = renderCodeFrame({ file, line: 1, column: 17 }, line);
    expect(frame.split("\n")[3]).toBe(`  | ${" ".repeat(15)}^`);
  });

  it("shows only the location when the source line is unknown", () => {
    expect(renderCodeFrame({ file: "drydock.toml", line: 5, column: 9 }, undefined)).toBe("  --> drydock.toml:5:9");
  });
});
