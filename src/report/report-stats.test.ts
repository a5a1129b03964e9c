import { describe, expect, it } from "vitest";
import type { ColumnSnapshot, IndexSnapshot, Snapshot, TableSnapshot, TriggerSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { statsOf } from "./report-stats.js";

function column(name: string, position: number): ColumnSnapshot {
  const base = { type: "integer", not_null: false, default: null, identity: null, generated: null, collation: null };
  return { name, position, ...base, grants: [], comment: null };
}

function index(name: string): IndexSnapshot {
  const base = { definition: `CREATE INDEX ${name} ON t (id)`, method: "btree", is_unique: false, is_primary: false };
  return { name, ...base, is_valid: true, predicate: null, constraint: null, comment: null };
}

function trigger(name: string): TriggerSnapshot {
  return { name, definition: `CREATE TRIGGER ${name} …`, function: "app.touch()", enabled: "origin", is_constraint: false, comment: null };
}

function table(name: string, overrides: Partial<TableSnapshot> = {}): TableSnapshot {
  return {
    schema: "app",
    name,
    kind: "table",
    persistence: "permanent",
    rls: { enabled: false, forced: false },
    partitioning: null,
    partition_of: null,
    inherits: [],
    options: [],
    columns: [column("id", 1)],
    constraints: [],
    indexes: [],
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
    ...overrides,
  };
}

function view(name: string, overrides: Partial<ViewSnapshot> = {}): ViewSnapshot {
  return {
    schema: "app",
    name,
    kind: "view",
    definition: "SELECT 1",
    options: [],
    is_populated: null,
    columns: [column("one", 1)],
    indexes: [],
    triggers: [],
    grants: [],
    comment: null,
    ...overrides,
  };
}

const foreignKey = {
  name: "orders_user_id_fkey",
  type: "foreign key" as const,
  definition: "FOREIGN KEY (user_id) REFERENCES app.users(id)",
  columns: ["user_id"],
  is_valid: true,
  deferrable: false,
  initially_deferred: false,
  foreign_key: {
    table: "app.users",
    columns: ["id"],
    on_update: "no action" as const,
    on_delete: "cascade" as const,
    match: "simple" as const,
  },
  comment: null,
};

const policy = { command: "all" as const, mode: "permissive" as const, roles: ["public"], using: "true", with_check: null, comment: null };

const sample: Snapshot = {
  format: "drydock-snapshot/1",
  source: { engine: "postgres", server_version: "15.4", server_version_num: 150004, schemas: ["app"] },
  schemas: [{ name: "app", grants: [], comment: null }],
  extensions: [],
  types: [],
  sequences: [],
  tables: [
    table("events", { kind: "partitioned table", partitioning: { strategy: "range", key: "RANGE (id)" } }),
    table("events_2026", { partition_of: { parent: "app.events", bound: "FOR VALUES FROM (1) TO (100)" } }),
    table("orders", {
      columns: [column("id", 1), column("user_id", 2), column("total", 3)],
      constraints: [foreignKey],
      indexes: [index("orders_pkey"), index("orders_user_id_idx")],
      triggers: [trigger("orders_touch")],
      rls: { enabled: true, forced: false },
      policies: [
        { name: "orders_own", ...policy },
        { name: "orders_admin", ...policy },
      ],
    }),
    table("users", {
      columns: [column("id", 1), column("email", 2)],
      indexes: [index("users_pkey")],
      rls: { enabled: true, forced: true },
    }),
  ],
  views: [
    view("active_users"),
    view("order_totals", { kind: "materialized view", is_populated: true, indexes: [index("order_totals_idx")], triggers: [] }),
  ],
  functions: [
    {
      schema: "app",
      name: "touch",
      signature: "app.touch()",
      arguments: "",
      kind: "function",
      result: "trigger",
      language: "plpgsql",
      volatility: "volatile",
      security_definer: false,
      strict: false,
      leakproof: false,
      parallel: "unsafe",
      search_path: null,
      config: [],
      body: "BEGIN NEW.updated_at := now(); RETURN NEW; END",
      definition: null,
      grants: [],
      comment: null,
    },
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
};

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
