import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { addCheckValidated } from "./add-check-validated.js";

const before = ["CREATE TABLE orders (id int, total numeric);"];

describe("add-check-validated", () => {
  it("reports a validated CHECK added to an existing table", async () => {
    const found = await lintSql(
      addCheckValidated,
      "-- positive totals\n  ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0);",
      { before },
    );
    expect(found).toMatchObject([
      { rule: "add-check-validated", severity: "error", line: 2, column: 3, message: expect.stringContaining("public.orders") },
    ]);
  });

  it("reports a CHECK written on ADD COLUMN", async () => {
    const found = await lintSql(addCheckValidated, "ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);", { before });
    expect(found).toMatchObject([{ rule: "add-check-validated", line: 1, column: 1, message: expect.stringContaining("ADD COLUMN qty") }]);
  });

  it("reports VALIDATE in the same transaction as ADD … NOT VALID", async () => {
    const sql =
      "ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT total_positive;";
    expect(await lintSql(addCheckValidated, sql, { before })).toMatchObject([
      { rule: "add-check-validated", line: 2, column: 1, message: expect.stringContaining("line 1") },
    ]);
  });

  it("reports VALIDATE inside the same BEGIN … COMMIT of a migration run statement by statement", async () => {
    const sql =
      "BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\nCOMMIT;";
    expect(await lintSql(addCheckValidated, sql, { before, noTransaction: true })).toMatchObject([{ line: 3, column: 1 }]);
  });

  it.each([
    ["NOT VALID", "ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;"],
    ["VALIDATE of a constraint added by an earlier migration", "ALTER TABLE orders VALIDATE CONSTRAINT total_positive;"],
    ["a table created in the same migration", "CREATE TABLE t (v int);\nALTER TABLE t ADD CONSTRAINT v_positive CHECK (v > 0);"],
    ["a column without a CHECK", "ALTER TABLE orders ADD COLUMN note text;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(addCheckValidated, sql, { before })).toEqual([]));

  it("accepts NOT VALID and VALIDATE in separate transactions of a migration run statement by statement", async () => {
    const sql = "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;";
    expect(await lintSql(addCheckValidated, sql, { before, noTransaction: true })).toEqual([]);
  });
});
