import { describe, expect, it } from "vitest";
import { maxQueryLength, redactQuery } from "./redact-query.js";

describe("redactQuery", () => {
  it.each([
    ["SELECT * FROM users WHERE token = 'abc123'", "SELECT * FROM users WHERE token = '…'"],
    ["ALTER ROLE app PASSWORD 'it''s secret'", "ALTER ROLE app PASSWORD '…'"],
    ["SELECT E'a\\'b', 'c'", "SELECT '…', '…'"],
    ["DO $$BEGIN PERFORM 'x'; END$$; SELECT 1", "DO '…'; SELECT 1"],
    ["SELECT $body$ secret $body$ || $$other$$", "SELECT '…' || '…'"],
    ["INSERT INTO t VALUES ('cut off by track_activity_query_si", "INSERT INTO t VALUES ('…'"],
    ["SELECT\n  1\n\tFROM t", "SELECT 1 FROM t"],
    ['SELECT "quoted Name" FROM t', 'SELECT "quoted Name" FROM t'],
  ])("%j → %j", (query, expected) => {
    expect(redactQuery(query)).toBe(expected);
  });

  it("hides the password of a URL outside a literal", () => {
    expect(redactQuery("-- postgres://app:hunter2@db/prod\nSELECT 1")).toBe("-- postgres://app:***@db/prod SELECT 1");
  });

  it("keeps at most 200 characters", () => {
    const redacted = redactQuery(`SELECT ${"x, ".repeat(200)}1`);
    expect(redacted).toHaveLength(maxQueryLength);
    expect(redacted.endsWith("…")).toBe(true);
  });

  it("shows nothing for a query the server does not show", () => {
    expect(redactQuery(null)).toBe("");
  });
});
