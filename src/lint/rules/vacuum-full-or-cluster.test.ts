import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { vacuumFullOrCluster } from "./vacuum-full-or-cluster.js";

const before = ["CREATE TABLE logs (id int PRIMARY KEY, at timestamptz);"];

describe("vacuum-full-or-cluster", () => {
  it("reports VACUUM FULL of an existing table", async () => {
    const found = await lintSql(vacuumFullOrCluster, "SELECT 1;\n VACUUM FULL logs;", { before, noTransaction: true });
    expect(found).toMatchObject([
      {
        rule: "vacuum-full-or-cluster",
        severity: "error",
        line: 2,
        column: 2,
        message: "VACUUM FULL rewrites public.logs while holding ACCESS EXCLUSIVE",
      },
    ]);
  });

  it.each([
    ["VACUUM (FULL, ANALYZE)", "VACUUM (FULL, ANALYZE) logs;", "VACUUM FULL"],
    ["VACUUM (FULL true)", "VACUUM (FULL true) logs;", "VACUUM FULL"],
    ["VACUUM FULL of the whole database", "VACUUM FULL;", "every table in the database"],
    ["CLUSTER of a table", "CLUSTER logs USING logs_pkey;", "CLUSTER rewrites public.logs"],
    ["CLUSTER without a table", "CLUSTER;", "every table clustered before"],
  ])("reports %s", async (_, sql, text) => {
    const found = await lintSql(vacuumFullOrCluster, sql, { before, noTransaction: true });
    expect(found).toMatchObject([{ rule: "vacuum-full-or-cluster", line: 1, column: 1, message: expect.stringContaining(text) }]);
  });

  it.each([
    ["plain VACUUM", "VACUUM (ANALYZE) logs;"],
    ["VACUUM (FULL false)", "VACUUM (FULL false) logs;"],
    ["ANALYZE", "ANALYZE logs;"],
    ["a table created in the same migration", "CREATE TABLE t (id int);\nCLUSTER t USING t_pkey;\nVACUUM FULL t;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(vacuumFullOrCluster, sql, { before, noTransaction: true })).toEqual([]));
});
