import { describe, expect, it } from "vitest";
import { compareCodePoints, compareVersions, versionKey } from "./compare-versions.js";

describe("compareVersions", () => {
  it("orders segment by segment, numerically", () => {
    expect(compareVersions("1.10", "1.9")).toBeGreaterThan(0);
    expect(compareVersions("2", "2.1")).toBeLessThan(0);
    expect(compareVersions("2.1", "3")).toBeLessThan(0);
    expect(compareVersions("17.1", "17.2")).toBeLessThan(0);
    expect(compareVersions("0009", "00010")).toBeLessThan(0);
  });

  it("treats leading zeros and trailing zero segments as the same version", () => {
    expect(compareVersions("002", "2")).toBe(0);
    expect(compareVersions("1", "1.0")).toBe(0);
    expect(compareVersions("1.0.0", "01")).toBe(0);
  });

  it("keeps the precision of long timestamps", () => {
    expect(compareVersions("202512291102420000", "202512291102420001")).toBeLessThan(0);
    expect(compareVersions("20251014220000", "9")).toBeGreaterThan(0);
  });

  it("puts non-numeric segments after numeric ones", () => {
    expect(compareVersions("1.a", "1.2")).toBeGreaterThan(0);
    expect(compareVersions("1.a", "1.b")).toBeLessThan(0);
  });

  it("sorts a mixed list the way Flyway does", () => {
    const versions = ["18", "2.1", "17.2", "1", "2", "17.1", "10"];
    expect(versions.sort(compareVersions)).toEqual(["1", "2", "2.1", "10", "17.1", "17.2", "18"]);
  });
});

describe("versionKey", () => {
  it("is equal exactly when the versions compare equal", () => {
    expect(versionKey("002")).toBe(versionKey("2"));
    expect(versionKey("1.0")).toBe(versionKey("1"));
    expect(versionKey("0000")).toBe("0");
    expect(versionKey("1.10")).not.toBe(versionKey("1.1"));
  });
});

describe("compareCodePoints", () => {
  it("compares like a byte-wise sort, whatever the locale", () => {
    expect(["b", "B", "a", "_"].sort(compareCodePoints)).toEqual(["B", "_", "a", "b"]);
  });
});
