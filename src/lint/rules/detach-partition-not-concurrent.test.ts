import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { detachPartitionNotConcurrent } from "./detach-partition-not-concurrent.js";

const before = [
  "CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');",
];

describe("detach-partition-not-concurrent", () => {
  it("reports DETACH PARTITION without CONCURRENTLY on PostgreSQL 14+", async () => {
    const found = await lintSql(detachPartitionNotConcurrent, "SELECT 1;\n  ALTER TABLE events DETACH PARTITION events_2020;", { before });
    expect(found).toMatchObject([
      {
        rule: "detach-partition-not-concurrent",
        severity: "warning",
        line: 2,
        column: 3,
        message: expect.stringMatching(/public\.events_2020 .* on public\.events/),
      },
    ]);
  });

  it.each([
    ["CONCURRENTLY", "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;", 15],
    ["FINALIZE", "ALTER TABLE events DETACH PARTITION events_2020 FINALIZE;", 15],
    ["PostgreSQL 13, which has no alternative", "ALTER TABLE events DETACH PARTITION events_2020;", 13],
    [
      "a table created in the same migration",
      "CREATE TABLE t (at date) PARTITION BY RANGE (at);\nCREATE TABLE t1 PARTITION OF t DEFAULT;\nALTER TABLE t DETACH PARTITION t1;",
      15,
    ],
  ])("accepts %s", async (_, sql, serverMajor) =>
    expect(await lintSql(detachPartitionNotConcurrent, sql as string, { before, serverMajor: serverMajor as number })).toEqual([]),
  );
});
