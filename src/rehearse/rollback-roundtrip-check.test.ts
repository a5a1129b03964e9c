import { describe, expect, it } from "vitest";
import type { RollbackDrill } from "../model/report.js";
import { rollbackRoundtripCheck } from "./rollback-roundtrip-check.js";

const difference = { kind: "table", name: "public.t", change: "missing" } as never;

describe("rollback.roundtrip", () => {
  it("passes a drill that restored both catalogs, with its numbers", () => {
    const drill: RollbackDrill = {
      status: "pass",
      details: ["3 down migrations restored the catalog of before"],
      differences: { after_down: [], after_up: [] },
      duration_ms: 42,
    };
    expect(rollbackRoundtripCheck(drill, { migrations: 3, requireReversible: false })).toEqual({
      id: "rollback.roundtrip",
      status: "pass",
      summary: "3 migrations rolled back and applied again: the catalog of before after the downs, of after after the ups",
      observed: { drill: "pass", migrations: 3, differences_after_down: 0, differences_after_up: 0, duration_ms: 42 },
      details: [],
    });
  });

  it("warns when the downs put back the catalog but not every value, with the data numbers", () => {
    const drill: RollbackDrill = {
      status: "pass",
      details: ["restored"],
      warnings: ["after the downs, the data of public.orgs differs in column updated_at"],
      data: { tables_compared: 2, tables_count_only: 0, tables_differing: 1, tables_unreadable: 0, rows_read: 12 },
    };
    expect(rollbackRoundtripCheck(drill, { migrations: 1, requireReversible: false })).toMatchObject({
      status: "warn",
      summary: expect.stringContaining("the data of 1 table not put back"),
      observed: { data_tables_compared: 2, data_tables_differing: 1, data_rows_read: 12 },
      details: ["after the downs, the data of public.orgs differs in column updated_at"],
    });
  });

  it("fails a drill that left differences, counting them and keeping its details", () => {
    const drill: RollbackDrill = {
      status: "fail",
      details: ["after the downs: table public.t missing"],
      differences: { after_down: [difference], after_up: [difference, difference] },
    };
    const check = rollbackRoundtripCheck(drill, { migrations: 2, requireReversible: false });
    expect(check).toMatchObject({
      status: "fail",
      summary: "the rollback drill failed: after the downs: table public.t missing",
      observed: { differences_after_down: 1, differences_after_up: 2 },
      details: ["after the downs: table public.t missing"],
    });
  });

  it("warns on migrations without a down, and fails under gates.require_reversible", () => {
    const drill: RollbackDrill = { status: "irreversible", details: ["002 b has no down migration (migrations/002_b.sql)"] };
    expect(rollbackRoundtripCheck(drill, { migrations: 2, requireReversible: false })).toMatchObject({
      status: "warn",
      summary: "1 of 2 migrations has no down migration: the drill could not run",
      observed: { drill: "irreversible", without_down: 1 },
    });
    expect(rollbackRoundtripCheck(drill, { migrations: 2, requireReversible: true })).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("gates.require_reversible is on"),
    });
  });

  it("skips with the drill's reason", () => {
    const drill: RollbackDrill = { status: "skip", details: ["not run: a migration failed"] };
    expect(rollbackRoundtripCheck(drill, { migrations: 0, requireReversible: false })).toMatchObject({
      status: "skip",
      summary: "not run: a migration failed",
    });
  });
});
