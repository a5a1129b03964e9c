import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors/drydock-error.js";
import { checksumOf, normalizeSource } from "../util/hash.js";

/** A migration file read from disk and decoded. */
export interface MigrationFileText {
  /** Path relative to the project root, with `/` separators. */
  file: string;
  /** The text with the UTF-8 BOM removed and CRLF/CR turned into LF: same lines as the file. */
  source: string;
  /** SHA-256 of the normalised text (SPEC §3). */
  checksum: string;
}

/** One decoder for every file: each `decode` call without `stream` starts afresh. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads one migration file as strict UTF-8, the encoding psql and every supported tool assume.
 * A file that cannot be read, or whose bytes are not valid UTF-8, is an {@link InputError} naming
 * the file (and, for bad bytes, the line), because a silently replaced character would change
 * the SQL that runs.
 */
export async function readMigrationFile(
  absolutePath: string,
  projectRoot: string,
  preloaded?: ReadonlyMap<string, Uint8Array>,
): Promise<MigrationFileText> {
  const file = relativeFile(projectRoot, absolutePath);
  let bytes: Uint8Array;
  try {
    // Synchronous on purpose: a migration file is small, and an awaited read costs several
    // thread-pool round trips, which dominated discovery of a few hundred files.
    bytes = preloaded?.get(absolutePath) ?? readFileSync(absolutePath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`cannot read migration file ${file} (${reason})`, {
      hint: "Check that the file exists and is readable by the user running drydock.",
      cause: error,
    });
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8Byte(bytes);
    const line = countLines(bytes, offset);
    throw new InputError(`migration file ${file} is not valid UTF-8 (byte ${offset}, line ${line})`, {
      hint: "Re-save the file as UTF-8 (for example: iconv -f latin1 -t utf-8).",
      location: { file, line, column: 1 },
      cause: error,
    });
  }
  return { file, source: normalizeSource(text), checksum: checksumOf(text) };
}

/** A path relative to the project root with `/` separators, as {@link MigrationFileText.file}. */
export function relativeFile(projectRoot: string, absolutePath: string): string {
  // A file under the root, both paths already normal: its path past the root is what
  // path.relative returns, without resolving both paths again for each of thousands of files.
  const rest = absolutePath.startsWith(projectRoot + path.sep) ? absolutePath.slice(projectRoot.length + 1) : null;
  const relative =
    rest !== null && path.isAbsolute(projectRoot) && !unnormalSegment.test(rest) ? rest : path.relative(projectRoot, absolutePath);
  return path.sep === "/" ? relative : relative.split(path.sep).join("/");
}

/** An empty, `.` or `..` segment, after which a path is not in normal form. */
const unnormalSegment = /(^|[\\/])\.{0,2}([\\/]|$)/;

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const width =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (width === 0) return i;
    for (let k = 1; k < width; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    const second = bytes[i + 1] ?? 0;
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f)) return i;
    if ((lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return i;
    i += width;
  }
  return bytes.length;
}

function countLines(bytes: Uint8Array, endOffset: number): number {
  let line = 1;
  for (let i = 0; i < endOffset; i++) if (bytes[i] === 10) line++;
  return line;
}
