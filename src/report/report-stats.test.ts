import { describe, expect, it } from "vitest";
import {
  columnSnapshot,
  constraintSnapshot,
  emptySnapshot,
  foreignKeySnapshot,
  functionSnapshot,
  indexSnapshot,
  policySnapshot,
  tableSnapshot,
  viewSnapshot,
} from "../../test/support/snapshot-builders.js";
import type { Snapshot, TriggerSnapshot } from "../model/snapshot.js";
import { statsOf } from "./report-stats.js";

function index(name: string) {
  return indexSnapshot(name, `CREATE INDEX ${name} ON t (id)`);
}

function trigger(name: string): TriggerSnapshot {
  return { name, definition: `CREATE TRIGGER ${name} …`, function: "app.touch()", enabled: "origin", is_constraint: false, comment: null };
}

const foreignKey = constraintSnapshot("orders_user_id_fkey", "foreign key", ["user_id"], {
  definition: "FOREIGN KEY (user_id) REFERENCES app.users(id)",
  foreign_key: foreignKeySnapshot("app.users", ["id"], { on_delete: "cascade" }),
});

const sample = emptySnapshot({
  tables: [
    tableSnapshot("events", {
      kind: "partitioned table",
      partitioning: { strategy: "range", key: "RANGE (id)" },
      columns: [columnSnapshot("id", 1, "integer")],
    }),
    tableSnapshot("events_2026", {
      partition_of: { parent: "app.events", bound: "FOR VALUES FROM (1) TO (100)" },
      columns: [columnSnapshot("id", 1, "integer")],
    }),
    tableSnapshot("orders", {
      columns: [columnSnapshot("id", 1, "integer"), columnSnapshot("user_id", 2, "integer"), columnSnapshot("total", 3, "integer")],
      constraints: [foreignKey],
      indexes: [index("orders_pkey"), index("orders_user_id_idx")],
      triggers: [trigger("orders_touch")],
      rls: { enabled: true, forced: false },
      policies: [policySnapshot("orders_own", { using: "true" }), policySnapshot("orders_admin", { using: "true" })],
    }),
    tableSnapshot("users", {
      columns: [columnSnapshot("id", 1, "integer"), columnSnapshot("email", 2, "integer")],
      indexes: [index("users_pkey")],
      rls: { enabled: true, forced: true },
    }),
  ],
  views: [
    viewSnapshot("active_users", "SELECT 1", { columns: [columnSnapshot("one", 1, "integer")] }),
    viewSnapshot("order_totals", "SELECT 1", {
      columns: [columnSnapshot("one", 1, "integer")],
      kind: "materialized view",
      is_populated: true,
      indexes: [index("order_totals_idx")],
      triggers: [],
    }),
  ],
  functions: [
    functionSnapshot("touch", { result: "trigger", language: "plpgsql", body: "BEGIN NEW.updated_at := now(); RETURN NEW; END" }),
  ],
  statistics: {
    relations: [
      { schema: "app", name: "events", row_estimate: 40, row_count: 40, size_bytes: 0, total_size_bytes: 0 },
      { schema: "app", name: "events_2026", row_estimate: 40, row_count: 40, size_bytes: 8192, total_size_bytes: 16_384 },
      { schema: "app", name: "order_totals", row_estimate: 3, row_count: null, size_bytes: 8192, total_size_bytes: 16_384 },
      { schema: "app", name: "orders", row_estimate: 1199.6, row_count: null, size_bytes: 65_536, total_size_bytes: 131_072 },
      { schema: "app", name: "users", row_estimate: -1, row_count: null, size_bytes: 8192, total_size_bytes: 32_768 },
    ],
    total_size_bytes: 196_608,
  },
});

describe("statsOf", () => {
  it("counts the objects and adds up sizes and rows", () => {
    expect(statsOf(sample)).toEqual({
      tables: 4,
      columns: 7,
      foreign_keys: 1,
      indexes: 4,
      policies: 2,
      rls_tables: 2,
      functions: 1,
      views: 2,
      triggers: 1,
      size_bytes: 196_608,
      // 40 in the partition (not again in its partitioned parent), 3 + 1,200 estimated, and no negative estimate
      rows: 1243,
    });
  });

  it("gives zeros for an empty database", () => {
    const empty: Snapshot = { ...sample, tables: [], views: [], functions: [], statistics: { relations: [], total_size_bytes: 0 } };
    expect(Object.values(statsOf(empty)).every((value) => value === 0)).toBe(true);
  });

  it("prefers exact counts to estimates", () => {
    const counted: Snapshot = {
      ...sample,
      statistics: {
        relations: [{ schema: "app", name: "orders", row_estimate: 5000, row_count: 0, size_bytes: 0, total_size_bytes: 0 }],
        total_size_bytes: 0,
      },
    };
    expect(statsOf(counted).rows).toBe(0);
  });
});
