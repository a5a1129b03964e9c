import { describe, expect, it } from "vitest";
import { domainSnapshot, emptySnapshot, snapshotSource } from "../../test/support/snapshot-builders.js";
import { TypeCatalog } from "./type-catalog.js";

const snapshot = emptySnapshot({
  source: snapshotSource({ server_version: "17.5", server_version_num: 170005, schemas: ["app", "other"] }),
  schemas: [],
  types: [
    { kind: "enum", schema: "app", name: "mood", labels: ["sad", "ok"], comment: null },
    { kind: "composite", schema: "other", name: "pair", attributes: [], comment: null },
    { kind: "range", schema: "app", name: "floatrange", subtype: "double precision", comment: null },
    domainSnapshot("positive", "integer", { default: "1" }),
    domainSnapshot("required_positive", "app.positive", { not_null: true }),
    domainSnapshot("moods", "app.mood[]"),
    domainSnapshot("loop_a", "app.loop_b"),
    domainSnapshot("loop_b", "app.loop_a"),
  ],
});

describe("TypeCatalog", () => {
  const catalog = new TypeCatalog(snapshot, new Set(["app"]));

  it.each([
    ["app.mood", 'Database["app"]["Enums"]["mood"]'],
    ["app.positive", "number"],
    ["app.required_positive[]", "number[]"],
    ["app.moods", 'Database["app"]["Enums"]["mood"][]'],
    ["app.floatrange", "string"],
    ["other.pair", "unknown"],
    ["mood", 'Database["app"]["Enums"]["mood"]'],
    ["app.loop_a", "unknown"],
    ["app.nothing", "unknown"],
  ])("types %s as %s", (pgType, tsType) => {
    expect(catalog.tsType(pgType)).toBe(tsType);
  });

  it("follows NOT NULL and DEFAULT through domains over domains, not into arrays", () => {
    expect(catalog.domainTraits("app.required_positive")).toEqual({ isNotNull: true, hasDefault: true });
    expect(catalog.domainTraits("app.positive")).toEqual({ isNotNull: false, hasDefault: true });
    expect(catalog.domainTraits("app.required_positive[]")).toEqual({ isNotNull: false, hasDefault: false });
    expect(catalog.domainTraits("app.loop_a")).toEqual({ isNotNull: false, hasDefault: false });
    expect(catalog.domainTraits("integer")).toEqual({ isNotNull: false, hasDefault: false });
  });

  it("writes the labels of enums of schemas not written out", () => {
    expect(new TypeCatalog(snapshot, new Set(["other"])).tsType("app.mood[]")).toBe('("sad" | "ok")[]');
  });
});
