import { describe, expect, it } from "vitest";
import { splitIdentifierList } from "./identifier-list.js";

describe("splitIdentifierList", () => {
  it("reads names as PostgreSQL does: quoted ones as written, unquoted ones folded", () => {
    expect(splitIdentifierList('"$user", public')).toEqual(["$user", "public"]);
    expect(splitIdentifierList('App,"My ""Schema""" ,  extensions')).toEqual(["app", 'My "Schema"', "extensions"]);
    expect(splitIdentifierList("")).toEqual([]);
  });
});
