import { describe, expect, it } from "vitest";
import { LineIndex } from "./line-index.js";

const byteLengthOf = (text: string): number => new TextEncoder().encode(text).length;

describe("LineIndex", () => {
  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(new LineIndex("abc").byteLength).toBe(3);
    expect(new LineIndex("é").byteLength).toBe(2);
    expect(new LineIndex("日本").byteLength).toBe(6);
    expect(new LineIndex("😀").byteLength).toBe(4);
  });

  it("locates UTF-16 offsets with 1-based lines and columns", () => {
    const lines = new LineIndex("ab\ncd\n\nef");
    expect(lines.locateUnit(0)).toEqual({ line: 1, column: 1 });
    expect(lines.locateUnit(2)).toEqual({ line: 1, column: 3 });
    expect(lines.locateUnit(3)).toEqual({ line: 2, column: 1 });
    expect(lines.locateUnit(6)).toEqual({ line: 3, column: 1 });
    expect(lines.locateUnit(8)).toEqual({ line: 4, column: 2 });
  });

  it("clamps offsets outside the text", () => {
    const lines = new LineIndex("ab\ncd");
    expect(lines.locateUnit(-5)).toEqual({ line: 1, column: 1 });
    expect(lines.locateUnit(99)).toEqual({ line: 2, column: 3 });
    expect(lines.locateByte(99)).toEqual({ line: 2, column: 3 });
  });

  it("locates byte offsets in pure ASCII text", () => {
    const lines = new LineIndex("SELECT 1;\nSELECT 2;");
    expect(lines.locateByte(10)).toEqual({ line: 2, column: 1 });
    expect(lines.locateByte(17)).toEqual({ line: 2, column: 8 });
  });

  it("locates byte offsets after a two-byte character", () => {
    const text = "SELECT 'é', x;";
    const lines = new LineIndex(text);
    const byteOfX = byteLengthOf("SELECT 'é', ");
    expect(byteOfX).toBe(13);
    expect(lines.unitOfByte(byteOfX)).toBe(text.indexOf("x"));
    expect(lines.locateByte(byteOfX)).toEqual({ line: 1, column: 13 });
  });

  it("locates byte offsets after three-byte characters on a later line", () => {
    const text = "-- 日本\nSELECT 日本, y;";
    const lines = new LineIndex(text);
    const byteOfY = byteLengthOf("-- 日本\nSELECT 日本, ");
    expect(byteOfY).toBe(25);
    expect(lines.unitOfByte(byteOfY)).toBe(text.indexOf("y"));
    expect(lines.locateByte(byteOfY)).toEqual({ line: 2, column: 12 });
  });

  it("counts an emoji (a surrogate pair) as one column and four bytes", () => {
    const text = "SELECT '😀' AS e, z;";
    const lines = new LineIndex(text);
    const unitOfZ = text.indexOf("z");
    expect(unitOfZ).toBe(18);
    expect(lines.locateUnit(unitOfZ)).toEqual({ line: 1, column: 18 });
    expect(lines.unitOfByte(byteLengthOf("SELECT '😀' AS e, "))).toBe(unitOfZ);
    expect(lines.locateByte(20)).toEqual({ line: 1, column: 18 });
  });

  it("maps a byte inside a multi-byte character to that character", () => {
    const lines = new LineIndex("a日b");
    expect(lines.unitOfByte(1)).toBe(1);
    expect(lines.unitOfByte(2)).toBe(1);
    expect(lines.unitOfByte(3)).toBe(1);
    expect(lines.unitOfByte(4)).toBe(2);
    expect(lines.unitOfByte(5)).toBe(3);
  });

  describe("locateCharacterPosition", () => {
    it("reads PostgreSQL's 1-based position within the statement", () => {
      const text = "SELECT 1;\nUPDATE users SET email = emali;";
      const lines = new LineIndex(text);
      const start = text.indexOf("UPDATE");
      expect(lines.locateCharacterPosition(start, 1)).toEqual({ line: 2, column: 1 });
      expect(lines.locateCharacterPosition(start, 26)).toEqual({ line: 2, column: 26 });
    });

    it("counts characters across lines of the statement", () => {
      const text = "CREATE TABLE t (\n  id int,\n  v nope\n);";
      const lines = new LineIndex(text);
      // "CREATE TABLE t (\n" is 17 characters and "  id int,\n" 10: position 32 is the "n" of "nope".
      expect(lines.locateCharacterPosition(0, 32)).toEqual({ line: 3, column: 5 });
      expect(lines.locateCharacterPosition(0, 28)).toEqual({ line: 3, column: 1 });
    });

    it("counts non-ASCII characters and emoji as one character each", () => {
      const text = "SELECT 1;\nINSERT INTO t VALUES ('é😀日本', nope);";
      const lines = new LineIndex(text);
      const start = text.indexOf("INSERT");
      // "INSERT INTO t VALUES ('" is 23 characters, 'é😀日本' 4 more, then "', " 3: "nope" is character 31.
      expect(lines.locateCharacterPosition(start, 31)).toEqual({ line: 2, column: 31 });
      expect(lines.locateUnit(text.indexOf("nope"))).toEqual({ line: 2, column: 31 });
    });

    it("clamps a position past the end of the text", () => {
      const lines = new LineIndex("SELECT x");
      expect(lines.locateCharacterPosition(0, 50)).toEqual({ line: 1, column: 9 });
    });
  });

  describe("lineText", () => {
    it("returns a line without its newline or carriage return", () => {
      const lines = new LineIndex("first\r\nsecond é\r\nthird");
      expect(lines.lineText(1)).toBe("first");
      expect(lines.lineText(2)).toBe("second é");
      expect(lines.lineText(3)).toBe("third");
    });

    it("returns an empty string for an empty line or a line that does not exist", () => {
      const lines = new LineIndex("a\n\nb\n");
      expect(lines.lineText(2)).toBe("");
      expect(lines.lineText(4)).toBe("");
      expect(lines.lineText(5)).toBe("");
      expect(lines.lineText(0)).toBe("");
    });
  });
});
