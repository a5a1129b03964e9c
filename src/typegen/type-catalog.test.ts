import { describe, expect, it } from "vitest";
import type { Snapshot, TypeSnapshot } from "../model/snapshot.js";
import { snapshotFormat } from "../model/snapshot.js";
import { TypeCatalog } from "./type-catalog.js";

const domain = (name: string, baseType: string, notNull: boolean, defaultValue: string | null): TypeSnapshot => ({
  kind: "domain",
  schema: "app",
  name,
  base_type: baseType,
  not_null: notNull,
  default: defaultValue,
  collation: null,
  constraints: [],
  comment: null,
});

const snapshot: Snapshot = {
  format: snapshotFormat,
  source: { engine: "postgres", server_version: "17.5", server_version_num: 170005, schemas: ["app", "other"] },
  schemas: [],
  extensions: [],
  types: [
    { kind: "enum", schema: "app", name: "mood", labels: ["sad", "ok"], comment: null },
    { kind: "composite", schema: "other", name: "pair", attributes: [], comment: null },
    { kind: "range", schema: "app", name: "floatrange", subtype: "double precision", comment: null },
    domain("positive", "integer", false, "1"),
    domain("required_positive", "app.positive", true, null),
    domain("moods", "app.mood[]", false, null),
    domain("loop_a", "app.loop_b", false, null),
    domain("loop_b", "app.loop_a", false, null),
  ],
  sequences: [],
  tables: [],
  views: [],
  functions: [],
  statistics: { relations: [], total_size_bytes: 0 },
};

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
