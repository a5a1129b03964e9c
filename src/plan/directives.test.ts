import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { readDirectives } from "./directives.js";

const file = "migrations/0003_orders.sql";

function errorOf(sql: string): InputError {
  try {
    readDirectives(file, sql);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("readDirectives", () => {
  it("finds no directive in plain SQL", () => {
    expect(readDirectives(file, "-- just a comment\nCREATE TABLE t (id int);\n")).toEqual({
      requires: [],
      noTransaction: false,
      allow: [],
      expectRows: [],
    });
  });

  it("reads requires lists separated by commas or spaces, over several lines", () => {
    const sql = "-- drydock:requires 0001, 0002\n--drydock:requires 20250101120000 0004\nCREATE TABLE t (id int);\n";
    expect(readDirectives(file, sql).requires).toEqual(["0001", "0002", "20250101120000", "0004"]);
  });

  it("reads no-transaction", () => {
    expect(readDirectives(file, "-- drydock:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (v);").noTransaction).toBe(true);
  });

  it("reads allow with its rule and the whole reason, and the line", () => {
    const sql =
      "-- Remove the legacy column.\n\n-- drydock:allow drop-column   unused since v2, checked in   logs\nALTER TABLE t DROP COLUMN c;";
    expect(readDirectives(file, sql).allow).toEqual([{ rule: "drop-column", reason: "unused since v2, checked in logs", line: 3 }]);
  });

  it("reads expect-rows with each kind of change", () => {
    const sql = [
      "-- drydock:expect-rows public.sessions -all",
      "-- drydock:expect-rows public.audit +any",
      "-- drydock:expect-rows public.users -any",
      "DELETE FROM public.sessions;",
    ].join("\n");
    expect(readDirectives(file, sql).expectRows).toEqual([
      { table: "public.sessions", change: "-all", line: 1 },
      { table: "public.audit", change: "+any", line: 2 },
      { table: "public.users", change: "-any", line: 3 },
    ]);
  });

  it("refuses expect-rows without a known change, with its location", () => {
    const error = errorOf("-- header\n  -- drydock:expect-rows public.sessions all\nDELETE FROM public.sessions;");
    expect(error.message).toBe('-- drydock:expect-rows needs a table and one of -all, +any, -any (got "public.sessions all")');
    expect(error.details.location).toEqual({ file, line: 2, column: 3 });
    expect(error.details.sourceLine).toBe("  -- drydock:expect-rows public.sessions all");
    expect(error.details.hint).toBe("Example: -- drydock:expect-rows public.sessions -all");
  });

  it("refuses expect-rows without a table", () => {
    expect(errorOf("-- drydock:expect-rows -all\n").message).toBe(
      '-- drydock:expect-rows needs a table and one of -all, +any, -any (got "-all")',
    );
  });

  it("refuses an unknown directive with its line and the known ones", () => {
    const error = errorOf("-- drydock:requires 0001\n-- drydock:no-transacton\nCREATE INDEX CONCURRENTLY i ON t (v);");
    expect(error.message).toBe("unknown directive drydock:no-transacton");
    expect(error.details.location).toEqual({ file, line: 2, column: 1 });
    expect(error.details.sourceLine).toBe("-- drydock:no-transacton");
    expect(error.details.hint).toBe("Known directives: drydock:requires, drydock:no-transaction, drydock:allow, drydock:expect-rows.");
  });

  it.each([
    ["an underscore", "-- drydock:no_transaction", "drydock:no_transaction"],
    ["capitals", "-- drydock:No-Transaction", "drydock:No-Transaction"],
    ["a space after the colon", "-- drydock: no-transaction", "drydock:"],
  ])("refuses a directive name with %s rather than ignoring it", (_, line, name) => {
    const error = errorOf(`${line}\nCREATE INDEX CONCURRENTLY i ON t (v);`);
    expect(error.message).toBe(`unknown directive ${name}`);
    expect(error.details.location).toEqual({ file, line: 1, column: 1 });
  });

  it("ignores directives after the first SQL line", () => {
    const sql = "-- drydock:requires 0001\nCREATE TABLE t (id int);\n-- drydock:no-transaction\n-- drydock:bogus\n";
    expect(readDirectives(file, sql)).toEqual({ requires: ["0001"], noTransaction: false, allow: [], expectRows: [] });
  });

  it("reads directives under a dbmate section marker and with CRLF line endings", () => {
    const sql = "-- migrate:up\r\n-- drydock:no-transaction\r\n-- drydock:allow drop-table the table was never used\r\nDROP TABLE t;\r\n";
    expect(readDirectives(file, sql)).toEqual({
      requires: [],
      noTransaction: true,
      allow: [{ rule: "drop-table", reason: "the table was never used", line: 3 }],
      expectRows: [],
    });
  });
});
