import { describe, expect, it } from "vitest";
import { checksumOf, normalizeSource, sha256 } from "./hash.js";

describe("sha256", () => {
  it("gives the lowercase hex digest of a text and of its bytes", () => {
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256(new TextEncoder().encode("abc"))).toBe(sha256("abc"));
  });
});

describe("normalizeSource", () => {
  it("removes a leading BOM and turns CRLF and CR into LF", () => {
    expect(normalizeSource("\uFEFFa\r\nb\rc\n")).toBe("a\nb\nc\n");
  });

  it("keeps a BOM that is not at the start", () => {
    expect(normalizeSource("a\uFEFFb")).toBe("a\uFEFFb");
  });
});

describe("checksumOf", () => {
  const lf = "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\n";

  it("is the SHA-256 of the normalised text", () => {
    expect(checksumOf(lf)).toBe(sha256(lf));
    expect(checksumOf(lf)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable across CRLF, CR and a UTF-8 BOM", () => {
    expect(checksumOf(lf.replace(/\n/g, "\r\n"))).toBe(checksumOf(lf));
    expect(checksumOf(lf.replace(/\n/g, "\r"))).toBe(checksumOf(lf));
    expect(checksumOf(`\uFEFF${lf.replace(/\n/g, "\r\n")}`)).toBe(checksumOf(lf));
  });

  it("changes when the SQL changes", () => {
    expect(checksumOf(lf.replace("id int", "id bigint"))).not.toBe(checksumOf(lf));
    expect(checksumOf(`${lf}\n`)).not.toBe(checksumOf(lf));
  });
});
