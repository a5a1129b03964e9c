import { describe, expect, it } from "vitest";
import { lockModes } from "../model/analysis.js";
import { lockConflicts, locksConflict } from "./lock-conflicts.js";

describe("lockConflicts", () => {
  it("is symmetric, as PostgreSQL's table is", () => {
    for (const a of lockModes) {
      for (const b of lockModes) expect([a, b, locksConflict(a, b)]).toEqual([a, b, locksConflict(b, a)]);
    }
  });

  it.each([
    ["AccessShareLock", "AccessExclusiveLock", true],
    ["AccessShareLock", "ExclusiveLock", false],
    ["RowExclusiveLock", "ShareLock", true],
    ["ShareLock", "ShareLock", false],
    ["ShareUpdateExclusiveLock", "ShareUpdateExclusiveLock", true],
    ["RowShareLock", "RowExclusiveLock", false],
    ["ExclusiveLock", "AccessShareLock", false],
    ["SIReadLock", "AccessExclusiveLock", false],
  ])("%s against %s: %s", (held, wanted, conflicts) => {
    expect(locksConflict(held, wanted)).toBe(conflicts);
  });

  it("counts, per mode, as many conflicts as the documentation's table", () => {
    const counts = lockModes.map((mode) => lockConflicts[mode].length);
    expect(counts).toEqual([1, 2, 4, 5, 5, 6, 7, 8]);
  });
});
