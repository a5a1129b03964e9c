import { sha256 } from "../util/hash.js";
import type { AdoptTool } from "./tool-history.js";

/**
 * The checksums a tool could have recorded for a migration file with these bytes, in the form
 * its history table keeps them; null for a tool that keeps none (Supabase, dbmate,
 * golang-migrate, node-pg-migrate). An entry whose checksum is not among them was applied from
 * another version of the file.
 *
 * - Prisma: SHA-256 of `migration.sql` as lowercase hex. Prisma accepts the file as it is, with
 *   CRLF turned into LF, or with LF turned into CRLF (git may change line endings), and old
 *   tables hold hex without zero padding (prisma-engines#1887): all of them are listed, as in
 *   Prisma's `script_matches_checksum`.
 * - Flyway: CRC32 of the script's lines read one by one without their line breaks, a UTF-8 BOM
 *   removed, stored as a signed 32-bit integer (`ChecksumCalculator` since Flyway 3). Flyway 2
 *   took the CRC32 of the raw bytes; that value is accepted too.
 */
export function toolChecksumsOf(tool: AdoptTool, bytes: Uint8Array): string[] | null {
  if (tool === "prisma") return prismaChecksums(bytes);
  if (tool === "flyway") return flywayChecksums(bytes);
  return null;
}

/** Whether the tool keeps a checksum of each migration file that drydock can compute again. */
export function keepsChecksums(tool: AdoptTool): boolean {
  return tool === "prisma" || tool === "flyway";
}

function prismaChecksums(bytes: Uint8Array): string[] {
  // Prisma reads the file with std::fs::read_to_string, which keeps a BOM: so does this.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const scripts = [text, text.replace(/\r\n/g, "\n"), text.replace(/\n/g, "\r\n")];
  const digests = scripts.map((script) => Buffer.from(sha256(script), "hex"));
  const padded = digests.map((digest) => digest.toString("hex"));
  const unpadded = digests.map((digest) => [...digest].map((byte) => byte.toString(16)).join(""));
  return [...new Set([...padded, ...unpadded])];
}

function flywayChecksums(bytes: Uint8Array): string[] {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const lines = text.replace(/^\uFEFF/, "").replace(/[\r\n]/g, "");
  const values = [crc32(Buffer.from(lines, "utf8")), crc32(bytes)];
  return [...new Set(values.map((value) => String(value | 0)))];
}

/** CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of some bytes, unsigned. */
export function crc32(bytes: Uint8Array): number {
  const table = crcTable;
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const crcTable = makeCrcTable();

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
