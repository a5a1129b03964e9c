import { describe, expect, it } from "vitest";
import { arrayOf, propertyKey, stringLiteral } from "./ts-syntax.js";

describe("propertyKey", () => {
  it.each([
    ["users", "users"],
    ["_id", "_id"],
    ["$ref", "$ref"],
    ["default", "default"],
    ["Order Items", '"Order Items"'],
    ["order-items", '"order-items"'],
    ["2fa", '"2fa"'],
    ["", '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ["café", '"café"'],
  ])("writes %j as %s", (name, key) => {
    expect(propertyKey(name)).toBe(key);
  });
});

describe("stringLiteral", () => {
  it("escapes quotes, backslashes, control and line separator characters", () => {
    expect(stringLiteral('a"b\\c\nd\u2028')).toBe('"a\\"b\\\\c\\nd\\u2028"');
  });
});

describe("arrayOf", () => {
  it.each([
    ["string", "string[]"],
    ['Database["public"]["Enums"]["mood"]', 'Database["public"]["Enums"]["mood"][]'],
    ['"a" | "b"', '("a" | "b")[]'],
    ['"a|b"', '"a|b"[]'],
    ["{ a: string | null }", "{ a: string | null }[]"],
  ])("writes an array of %s", (element, array) => {
    expect(arrayOf(element)).toBe(array);
  });
});
