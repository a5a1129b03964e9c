import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { crc32, keepsChecksums, toolChecksumsOf } from "./tool-checksums.js";

const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("crc32", () => {
  it("is the IEEE CRC-32 of java.util.zip.CRC32", () => {
    expect(crc32(bytes("123456789"))).toBe(0xcbf43926);
    expect(crc32(bytes(""))).toBe(0);
  });
});

describe("toolChecksumsOf flyway", () => {
  // Flyway's ChecksumCalculator: CRC32 over each line without its line break, stored as a signed int.
  const signed = String(0xcbf43926 | 0);

  it("gives the signed CRC32 of the lines without line breaks", () => {
    expect(signed).toBe("-873187034");
    expect(toolChecksumsOf("flyway", bytes("123\n456\n789\n"))).toContain(signed);
  });

  it("is line-ending independent and ignores a UTF-8 BOM, as Flyway", () => {
    for (const text of ["123\r\n456\r\n789", "\uFEFF123\n456\n789\n", "123\r456\r789\r"]) {
      expect(toolChecksumsOf("flyway", bytes(text))).toContain(signed);
    }
    expect(toolChecksumsOf("flyway", bytes("123\n456\n78\n"))).not.toContain(signed);
  });

  it("also accepts Flyway 2's CRC32 of the raw bytes", () => {
    expect(toolChecksumsOf("flyway", bytes("abc\n"))).toContain(String(crc32(bytes("abc\n")) | 0));
  });
});

describe("toolChecksumsOf prisma", () => {
  it("gives the SHA-256 hex of migration.sql, with either line ending", () => {
    const lf = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(toolChecksumsOf("prisma", bytes(lf))).toContain(sha(lf));
    expect(toolChecksumsOf("prisma", bytes(lf))).toContain(sha(crlf));
    expect(toolChecksumsOf("prisma", bytes(crlf))).toContain(sha(lf));
    expect(toolChecksumsOf("prisma", bytes(`${lf} `))).not.toContain(sha(lf));
  });

  it("keeps a BOM, as Prisma reads the file whole", () => {
    const text = "\uFEFFSELECT 1;\n";
    expect(toolChecksumsOf("prisma", bytes(text))).toContain(sha(text));
  });

  it("accepts the unpadded hex of old Prisma tables", () => {
    const text = "hello";
    const unpadded = [...createHash("sha256").update(text).digest()].map((byte) => byte.toString(16)).join("");
    expect(toolChecksumsOf("prisma", bytes(text))).toContain(unpadded);
    expect(toolChecksumsOf("prisma", bytes(text))).toContain("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });
});

describe("tools without checksums", () => {
  it.each(["supabase", "dbmate", "golang-migrate", "node-pg-migrate"] as const)("%s keeps none", (tool) => {
    expect(keepsChecksums(tool)).toBe(false);
    expect(toolChecksumsOf(tool, bytes("SELECT 1;"))).toBeNull();
  });
});
