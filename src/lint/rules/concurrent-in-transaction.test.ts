import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { concurrentInTransaction } from "./concurrent-in-transaction.js";

const before = [
  "CREATE TABLE events (id int, kind text) PARTITION BY LIST (kind); CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a');",
];

describe("concurrent-in-transaction", () => {
  it("reports CREATE INDEX CONCURRENTLY inside the file's BEGIN … COMMIT", async () => {
    const found = await lintSql(concurrentInTransaction, "BEGIN;\n  CREATE INDEX CONCURRENTLY events_kind ON events_a (kind);\nCOMMIT;", {
      before,
    });
    expect(found).toMatchObject([
      {
        rule: "concurrent-in-transaction",
        severity: "error",
        line: 2,
        column: 3,
        message: expect.stringContaining("CREATE INDEX CONCURRENTLY runs inside the transaction block opened by BEGIN at line 1"),
      },
    ]);
  });

  it.each([
    ["DROP INDEX CONCURRENTLY", "START TRANSACTION;\nDROP INDEX CONCURRENTLY events_kind;\nCOMMIT;"],
    ["REINDEX CONCURRENTLY", "BEGIN;\nREINDEX INDEX CONCURRENTLY events_kind;\nCOMMIT;"],
    ["DETACH PARTITION CONCURRENTLY", "BEGIN;\nALTER TABLE events DETACH PARTITION events_a CONCURRENTLY;\nCOMMIT;"],
    [
      "a block kept open by COMMIT AND CHAIN",
      "BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nCREATE INDEX CONCURRENTLY i ON events_a (id);\nCOMMIT;",
    ],
  ])("reports %s", async (_, sql) => {
    const found = await lintSql(concurrentInTransaction, sql, { before });
    expect(found).toMatchObject([{ rule: "concurrent-in-transaction", severity: "error", column: 1 }]);
    expect(found[0]?.line).toBeGreaterThan(1);
  });

  it.each([
    ["no BEGIN", "CREATE INDEX CONCURRENTLY events_kind ON events_a (kind);"],
    [
      "a statement after the block's COMMIT",
      "BEGIN;\nALTER TABLE events_a ADD COLUMN note text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY events_note ON events_a (note);",
    ],
    ["a statement after ROLLBACK", "BEGIN;\nSELECT 1;\nROLLBACK;\nDROP INDEX CONCURRENTLY IF EXISTS events_note;"],
    ["a plain CREATE INDEX inside BEGIN", "BEGIN;\nCREATE INDEX events_kind ON events_a (kind);\nCOMMIT;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(concurrentInTransaction, sql, { before })).toEqual([]));
});
