import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { transactionControl } from "./transaction-control.js";

const before = ["CREATE TABLE users (id int);"];

describe("transaction-control", () => {
  it("reports a COMMIT in the middle of a migration", async () => {
    const sql = "ALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nALTER TABLE users ADD COLUMN b int;";
    expect(await lintSql(transactionControl, sql, { before })).toMatchObject([
      { rule: "transaction-control", severity: "error", line: 2, column: 1, message: expect.stringMatching(/^COMMIT commits/) },
    ]);
  });

  it("reports every statement of a file that runs two transactions of its own", async () => {
    const sql = "BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nSTART TRANSACTION;\nALTER TABLE users ADD COLUMN b int;\nEND;";
    const found = await lintSql(transactionControl, sql, { before });
    expect(found.map(({ line, column, message }) => [line, column, message.split(" ")[0]])).toEqual([
      [1, 1, "BEGIN"],
      [3, 1, "COMMIT"],
      [4, 1, "START"],
      [6, 1, "COMMIT"],
    ]);
  });

  it("reports a ROLLBACK that ends a file wrapped in BEGIN", async () => {
    const found = await lintSql(transactionControl, "BEGIN;\nDROP TABLE users;\n  ROLLBACK;", { before });
    expect(found).toMatchObject([
      { rule: "transaction-control", line: 1, column: 1 },
      { rule: "transaction-control", line: 3, column: 3, message: expect.stringContaining("records as applied") },
    ]);
  });

  it.each([
    ["a file wrapped in BEGIN … COMMIT (drydock replaces them)", "BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;"],
    ["START TRANSACTION … END around the whole file", "START TRANSACTION;\nALTER TABLE users ADD COLUMN a int;\nEND;"],
    ["savepoints", "SAVEPOINT s;\nALTER TABLE users ADD COLUMN a int;\nROLLBACK TO SAVEPOINT s;\nRELEASE s;"],
    [
      "a migration marked no-transaction",
      "-- drydock:no-transaction\nBEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nBEGIN;\nCOMMIT;",
    ],
    [
      "a migration that runs outside a transaction anyway",
      "CREATE INDEX CONCURRENTLY i ON users (id);\nBEGIN;\nALTER TABLE users ADD a int;\nCOMMIT;",
    ],
    ["COMMIT inside a string", "COMMENT ON TABLE users IS 'COMMIT;';"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(transactionControl, sql, { before })).toEqual([]));

  it("accepts a file whose migration format runs it outside a transaction", async () => {
    expect(await lintSql(transactionControl, "SELECT 1;\nCOMMIT;", { before, noTransaction: true })).toEqual([]);
  });
});
