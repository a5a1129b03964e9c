import { describe, expect, it } from "vitest";
import { parsePgType, splitQualifiedName } from "./parse-pg-type.js";

describe("parsePgType", () => {
  it.each([
    ["integer", { schema: null, name: "integer", arrayDepth: 0 }],
    ["character varying(80)", { schema: null, name: "character varying", arrayDepth: 0 }],
    ["timestamp(3) with time zone", { schema: null, name: "timestamp with time zone", arrayDepth: 0 }],
    ["time without time zone[]", { schema: null, name: "time without time zone", arrayDepth: 1 }],
    ["numeric(10,2)[][]", { schema: null, name: "numeric", arrayDepth: 2 }],
    ["interval year to month", { schema: null, name: "interval", arrayDepth: 0 }],
    ["interval(3)", { schema: null, name: "interval", arrayDepth: 0 }],
    ['"char"', { schema: null, name: "char", arrayDepth: 0 }],
    ["public.mood", { schema: "public", name: "mood", arrayDepth: 0 }],
    ["public.mood[]", { schema: "public", name: "mood", arrayDepth: 1 }],
    ['"My App"."Status"[]', { schema: "My App", name: "Status", arrayDepth: 1 }],
    ['app."a""b"', { schema: "app", name: 'a"b', arrayDepth: 0 }],
    ["extensions.vector(3)", { schema: "extensions", name: "vector", arrayDepth: 0 }],
  ])("reads %s", (text, parsed) => {
    expect(parsePgType(text)).toEqual(parsed);
  });
});

describe("splitQualifiedName", () => {
  it.each([
    ["public.users", ["public", "users"]],
    ['"My Schema"."Order.Items"', ["My Schema", "Order.Items"]],
    ['app."say ""hi"""', ["app", 'say "hi"']],
    ["users", ["users"]],
  ])("splits %s", (text, parts) => {
    expect(splitQualifiedName(text)).toEqual(parts);
  });

  it.each(["double precision", 'app."open', "app.", "f(x)"])("refuses %s", (text) => {
    expect(splitQualifiedName(text)).toBeNull();
  });
});
