import { describe, expect, it } from "vitest";
import { parseDurationMs } from "./duration.js";

describe("parseDurationMs", () => {
  it.each([
    ["0", 0],
    ["250", 250],
    ["500ms", 500],
    ["3s", 3_000],
    ["1.5s", 1_500],
    ["5m", 300_000],
    ["2min", 120_000],
    ["1h", 3_600_000],
    [" 60s ", 60_000],
    ["10 s", 10_000],
  ])("reads %j as %i ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(["", "s", "3 seconds", "-1s", "3d", "1.s", "abc"])("refuses %j", (text) => {
    expect(() => parseDurationMs(text)).toThrow(`not a duration: ${text}`);
  });
});
