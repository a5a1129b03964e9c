import { describe, expect, it } from "vitest";
import type { PlannedMigration } from "../model/plan.js";
import { comparePrediction } from "./compare-prediction.js";

const planned = (extra: Partial<PlannedMigration>): PlannedMigration => ({
  version: "1",
  name: "m",
  file: "m/1.sql",
  statements: 1,
  inventory: {},
  creates: [],
  alters: [],
  drops: [],
  references: [],
  requires: [],
  locks: [],
  reversible: true,
  transaction: { mode: "transaction", reason: "" },
  pending: true,
  ...extra,
});
const noChanges = { created: [], altered: [], dropped: [] };
const before = new Map([
  ["table public.orders", "a"],
  ["table public.users", "b"],
]);

describe("comparePrediction", () => {
  it("reports a lock stronger than predicted on an existing table, and one never taken", () => {
    const mismatches = comparePrediction(
      planned({
        locks: [
          { relation: "public.orders", mode: "ShareLock" },
          { relation: "public.users", mode: "ShareRowExclusiveLock" },
        ],
      }),
      [{ relation: "public.orders", mode: "AccessExclusiveLock", relkind: "r" }],
      noChanges,
      before,
    );
    expect(mismatches).toEqual([
      "held AccessExclusiveLock on public.orders; the plan predicted ShareLock",
      "the plan predicted ShareRowExclusiveLock on public.users, but the migration took no lock on it",
    ]);
  });

  it("ignores weak locks, locks on new relations, and unmeasured locks", () => {
    const held = [
      { relation: "public.users", mode: "RowShareLock" as const, relkind: "r" },
      { relation: "public.new_table", mode: "AccessExclusiveLock" as const, relkind: "r" },
    ];
    expect(comparePrediction(planned({}), held, noChanges, before)).toEqual([]);
    expect(comparePrediction(planned({ locks: [{ relation: "public.users", mode: "ShareLock" }] }), null, noChanges, before)).toEqual([]);
  });

  it("reports objects created or dropped against the prediction, by the plan's names", () => {
    const mismatches = comparePrediction(
      planned({
        creates: [
          { kind: "table", name: "public.a" },
          { kind: "function", name: "public.f(integer)" },
          { kind: "view", name: "public.never" },
          { kind: "table", name: "public.orders" },
        ],
      }),
      [],
      {
        created: ["table public.a", "function public.f(a integer)", "table public.surprise", "index public.a_pkey"],
        altered: [],
        dropped: ["table public.users"],
      },
      before,
    );
    expect(mismatches).toEqual([
      "created table public.surprise, which the plan did not predict",
      "the plan predicted it creates view public.never, but it did not",
      "dropped table public.users, which the plan did not predict",
    ]);
  });

  it("follows renames: locks held under the new name, the old name gone, and drops that took their locks along", () => {
    const mismatches = comparePrediction(
      planned({
        locks: [
          { relation: "public.users", mode: "AccessExclusiveLock" },
          { relation: "public.orders", mode: "AccessExclusiveLock" },
        ],
        renames: [{ kind: "table", from: "public.users", to: "public.accounts" }],
        drops: [{ kind: "table", name: "public.orders" }],
      }),
      [{ relation: "public.accounts", mode: "AccessExclusiveLock", relkind: "r" }],
      { created: ["table public.accounts"], altered: [], dropped: ["table public.orders", "table public.users"] },
      before,
    );
    expect(mismatches).toEqual([]);
  });
});
