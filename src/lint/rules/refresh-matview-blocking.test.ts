import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { refreshMatviewBlocking } from "./refresh-matview-blocking.js";

const before = [
  "CREATE TABLE sales (day date, amount int); CREATE MATERIALIZED VIEW daily AS SELECT day, sum(amount) FROM sales GROUP BY day;",
];

describe("refresh-matview-blocking", () => {
  it("reports REFRESH without CONCURRENTLY of an existing view", async () => {
    const found = await lintSql(refreshMatviewBlocking, "\n\nREFRESH MATERIALIZED VIEW daily;", { before });
    expect(found).toMatchObject([
      { rule: "refresh-matview-blocking", severity: "warning", line: 3, column: 1, message: expect.stringContaining("public.daily") },
    ]);
  });

  it.each([
    ["CONCURRENTLY", "REFRESH MATERIALIZED VIEW CONCURRENTLY daily;"],
    ["WITH NO DATA", "REFRESH MATERIALIZED VIEW daily WITH NO DATA;"],
    [
      "a view created in the same migration",
      "CREATE MATERIALIZED VIEW totals AS SELECT sum(amount) FROM sales WITH NO DATA;\nREFRESH MATERIALIZED VIEW totals;",
    ],
  ])("accepts %s", async (_, sql) => expect(await lintSql(refreshMatviewBlocking, sql, { before })).toEqual([]));
});
