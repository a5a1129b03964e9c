import { describe, expect, it } from "vitest";
import { parseFunctionArguments, parseFunctionResult } from "./parse-function-signature.js";

describe("parseFunctionArguments", () => {
  it("reads names, types, modes and defaults", () => {
    expect(
      parseFunctionArguments(
        "org uuid, lim integer DEFAULT 10, tags text[] DEFAULT '{a,b}'::text[], OUT total bigint, INOUT cursor timestamp with time zone, VARIADIC ids bigint[]",
      ),
    ).toEqual([
      { mode: "in", name: "org", type: "uuid", hasDefault: false },
      { mode: "in", name: "lim", type: "integer", hasDefault: true },
      { mode: "in", name: "tags", type: "text[]", hasDefault: true },
      { mode: "out", name: "total", type: "bigint", hasDefault: false },
      { mode: "inout", name: "cursor", type: "timestamp with time zone", hasDefault: false },
      { mode: "variadic", name: "ids", type: "bigint[]", hasDefault: false },
    ]);
  });

  it("keeps commas and keywords inside defaults, literals and type modifiers", () => {
    expect(
      parseFunctionArguments("a numeric DEFAULT round(1.5, 0), b text DEFAULT 'x, DEFAULT y'::text, c public.mood DEFAULT 'ok'"),
    ).toEqual([
      { mode: "in", name: "a", type: "numeric", hasDefault: true },
      { mode: "in", name: "b", type: "text", hasDefault: true },
      { mode: "in", name: "c", type: "public.mood", hasDefault: true },
    ]);
  });

  it("tells unnamed arguments from named ones", () => {
    expect(
      parseFunctionArguments('integer, double precision, timestamp without time zone[], public.mood, "My App"."Status", "char"'),
    ).toEqual(
      ["integer", "double precision", "timestamp without time zone[]", "public.mood", '"My App"."Status"', '"char"'].map((type) => ({
        mode: "in",
        name: null,
        type,
        hasDefault: false,
      })),
    );
  });

  it("unquotes quoted names and reads names that are unreserved keywords", () => {
    expect(parseFunctionArguments('"User Id" uuid, "say ""hi""" text, out integer, IN x "My App"."Status"')).toEqual([
      { mode: "in", name: "User Id", type: "uuid", hasDefault: false },
      { mode: "in", name: 'say "hi"', type: "text", hasDefault: false },
      { mode: "in", name: "out", type: "integer", hasDefault: false },
      { mode: "in", name: "x", type: '"My App"."Status"', hasDefault: false },
    ]);
  });

  it("reads no arguments from an empty list", () => {
    expect(parseFunctionArguments("")).toEqual([]);
  });
});

describe("parseFunctionResult", () => {
  it.each([
    ["integer", { isSet: false, type: "integer", columns: null }],
    ["SETOF public.users", { isSet: true, type: "public.users", columns: null }],
    ["SETOF record", { isSet: true, type: "record", columns: null }],
  ])("reads %s", (text, result) => {
    expect(parseFunctionResult(text)).toEqual(result);
  });

  it("reads the columns of RETURNS TABLE", () => {
    expect(parseFunctionResult("TABLE(id bigint, amount numeric, status public.mood)")).toEqual({
      isSet: true,
      type: "record",
      columns: [
        { mode: "table", name: "id", type: "bigint", hasDefault: false },
        { mode: "table", name: "amount", type: "numeric", hasDefault: false },
        { mode: "table", name: "status", type: "public.mood", hasDefault: false },
      ],
    });
  });
});
