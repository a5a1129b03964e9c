import { describe, expect, it } from "vitest";
import { mapPgType, type TypeLookup } from "./map-pg-type.js";

const lookup: TypeLookup = {
  find: (schema, name) =>
    schema === "public" && name === "mood" ? 'Database["public"]["Enums"]["mood"]' : name === "flag" ? '"on" | "off"' : undefined,
};

describe("mapPgType", () => {
  it.each([
    ["smallint", "number"],
    ["integer", "number"],
    ["bigint", "number"],
    ["numeric(12,2)", "number"],
    ["double precision", "number"],
    ["boolean", "boolean"],
    ["text", "string"],
    ["character varying(80)", "string"],
    ["character(3)", "string"],
    ['"char"', "string"],
    ["uuid", "string"],
    ["date", "string"],
    ["timestamp(3) with time zone", "string"],
    ["time without time zone", "string"],
    ["interval day to second", "string"],
    ["bytea", "string"],
    ["tstzrange", "string"],
    ["json", "Json"],
    ["jsonb", "Json"],
    ["jsonb[]", "Json[]"],
    ["text[]", "string[]"],
    ["integer[][]", "number[][]"],
    ["void", "undefined"],
    ["record", "Record<string, unknown>"],
    ["point", "unknown"],
    ["public.mood", 'Database["public"]["Enums"]["mood"]'],
    ["public.mood[]", 'Database["public"]["Enums"]["mood"][]'],
    ["other.flag[]", '("on" | "off")[]'],
    ["public.citext", "string"],
    ["extensions.vector(1536)", "string"],
    ["public.geometry", "unknown"],
  ])("maps %s to %s", (pgType, tsType) => {
    expect(mapPgType(pgType, lookup)).toBe(tsType);
  });

  it("asks the lookup before the extension types, so a table of that name wins", () => {
    expect(mapPgType("app.vector", { find: () => 'Database["app"]["Tables"]["vector"]["Row"]' })).toBe(
      'Database["app"]["Tables"]["vector"]["Row"]',
    );
  });
});
