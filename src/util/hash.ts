import { createHash } from "node:crypto";

/** SHA-256 of a text or bytes, as lowercase hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Normalises a migration file's text for checksums: UTF-8 BOM removed, CRLF and CR turned into
 * LF. A file checked out with other line endings therefore keeps its checksum.
 */
export function normalizeSource(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** The checksum of SPEC §3: SHA-256 of the normalised text. */
export function checksumOf(text: string): string {
  return sha256(normalizeSource(text));
}
