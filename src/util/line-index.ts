/** A 1-based line and column; the column counts characters (Unicode code points). */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Converts positions in a text into 1-based line and column. libpg-query reports UTF-8 byte
 * offsets; PostgreSQL reports 1-based character positions within the statement sent. Both are
 * converted here and nowhere else, so non-ASCII identifiers cannot shift a caret.
 */
export class LineIndex {
  readonly text: string;
  readonly byteLength: number;
  /** Character offset (UTF-16 units) where each line starts. */
  private readonly lineStarts: number[];
  private byteToUnit: Uint32Array | null = null;

  constructor(text: string) {
    this.text = text;
    this.byteLength = Buffer.byteLength(text, "utf8"); // counts, where TextEncoder would allocate the bytes
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** Line and column of a UTF-16 offset into the text. */
  locateUnit(unitOffset: number): LineColumn {
    const offset = Math.max(0, Math.min(unitOffset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    const lineStart = this.lineStarts[low] ?? 0;
    const column = [...this.text.slice(lineStart, offset)].length + 1;
    return { line: low + 1, column };
  }

  /** Line and column of a UTF-8 byte offset (libpg-query's unit). */
  locateByte(byteOffset: number): LineColumn {
    return this.locateUnit(this.unitOfByte(byteOffset));
  }

  /** The UTF-16 offset of a UTF-8 byte offset. */
  unitOfByte(byteOffset: number): number {
    if (this.byteLength === this.text.length) return byteOffset; // pure ASCII
    if (!this.byteToUnit) this.byteToUnit = buildByteToUnit(this.text, this.byteLength);
    return this.byteToUnit[Math.max(0, Math.min(byteOffset, this.byteLength))] ?? this.text.length;
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, "");
  }

  /** Line and column of a 1-based character position inside a slice starting at `unitStart`. */
  locateCharacterPosition(unitStart: number, position: number): LineColumn {
    const chars = [...this.text.slice(unitStart)];
    const prefix = chars.slice(0, Math.max(0, position - 1)).join("");
    return this.locateUnit(unitStart + prefix.length);
  }
}

function buildByteToUnit(text: string, byteLength: number): Uint32Array {
  const map = new Uint32Array(byteLength + 1);
  let byte = 0;
  for (let unit = 0; unit < text.length; unit++) {
    const code = text.codePointAt(unit) ?? 0;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) map[byte + k] = unit;
    byte += width;
    if (code >= 0x10000) unit++; // surrogate pair: two UTF-16 units, one code point
  }
  map[byteLength] = text.length;
  return map;
}
