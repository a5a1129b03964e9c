import { describe, expect, it } from "vitest";
import { generateDiffSql } from "../diff/generate-diff-sql.js";
import {
  type ColumnSnapshot,
  type FunctionSnapshot,
  type IndexSnapshot,
  type Snapshot,
  snapshotFormat,
  type TableSnapshot,
  type ViewSnapshot,
} from "../model/snapshot.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { schemaAfterSafeDiff } from "./schema-after-safe-diff.js";

function snapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    format: snapshotFormat,
    source: { engine: "postgres", server_version: "15.4", server_version_num: 150004, schemas: ["app"] },
    schemas: [{ name: "app", grants: [], comment: null }],
    extensions: [],
    types: [],
    sequences: [],
    tables: [],
    views: [],
    functions: [],
    statistics: { relations: [], total_size_bytes: 0 },
    ...parts,
  };
}

function column(name: string, position: number, type: string, extra: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return {
    name,
    position,
    type,
    not_null: false,
    default: null,
    identity: null,
    generated: null,
    collation: null,
    grants: [],
    comment: null,
    ...extra,
  };
}

function index(name: string, table: string, columnName: string): IndexSnapshot {
  return {
    name,
    definition: `CREATE INDEX ${name} ON app.${table} USING btree (${columnName})`,
    method: "btree",
    is_unique: false,
    is_primary: false,
    is_valid: true,
    predicate: null,
    constraint: null,
    comment: null,
  };
}

function table(name: string, extra: Partial<TableSnapshot> = {}): TableSnapshot {
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
    columns: [column("id", 1, "bigint", { not_null: true })],
    constraints: [],
    indexes: [],
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
    ...extra,
  };
}

function view(name: string, definition: string): ViewSnapshot {
  return {
    schema: "app",
    name,
    kind: "view",
    definition,
    options: [],
    is_populated: null,
    columns: [],
    indexes: [],
    triggers: [],
    grants: [],
    comment: null,
  };
}

function fn(name: string): FunctionSnapshot {
  return {
    schema: "app",
    name,
    signature: `app.${name}()`,
    arguments: "",
    kind: "function",
    result: "integer",
    language: "sql",
    volatility: "immutable",
    security_definer: false,
    strict: false,
    leakproof: false,
    parallel: "unsafe",
    search_path: null,
    config: [],
    body: "SELECT 1",
    definition: `CREATE OR REPLACE FUNCTION app.${name}()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT 1$function$\n`,
    grants: [],
    comment: null,
  };
}

const policy = {
  name: "own",
  command: "select",
  mode: "permissive",
  roles: ["public"],
  using: "true",
  with_check: null,
  comment: null,
} as const;

// The migrations' schema, and a database where someone dropped things and added others by hand.
const from = snapshot({
  tables: [
    table("users", {
      columns: [column("id", 1, "bigint", { not_null: true }), column("email", 2, "text"), column("legacy", 3, "text")],
      indexes: [index("users_email_idx", "users", "email"), index("users_legacy_idx", "users", "legacy")],
      policies: [{ ...policy, roles: [...policy.roles] }],
    }),
    table("audit"),
  ],
  views: [view("emails", " SELECT users.email\n   FROM app.users;")],
  functions: [fn("old_helper")],
});
const to = snapshot({
  tables: [
    table("users", {
      columns: [
        column("id", 1, "bigint", { not_null: true }),
        column("email", 2, "text", { not_null: true }),
        column("nickname", 3, "text"),
      ],
      indexes: [index("users_email_idx", "users", "email"), index("users_nickname_idx", "users", "nickname")],
    }),
  ],
  functions: [fn("new_helper")],
});

describe("schemaAfterSafeDiff", () => {
  it("is the schema the safe SQL leads to: the full SQL to it is the safe SQL", () => {
    const reached = schemaAfterSafeDiff(from, to);
    const safe = generateDiffSql(from, to, { safe: true });
    expect(generateDiffSql(from, reached)).toEqual(safe);
    expect(generateDiffSql(from, to).length).toBeGreaterThan(safe.length);
  });

  it("keeps what only `from` has, takes `to`'s shape of the rest, and adds what only `to` has", () => {
    const reached = schemaAfterSafeDiff(from, to);
    expect(compareSnapshots(from, reached).filter((difference) => difference.change === "missing")).toEqual([]);
    expect(compareSnapshots(to, reached).filter((difference) => difference.change !== "extra")).toEqual([
      { kind: "column", name: "app.users.nickname", change: "changed", attribute: "position", before: 3, after: 4 },
    ]);
    const users = reached.tables.find((entry) => entry.name === "users");
    expect(users?.columns.map(({ name, position, not_null }) => ({ name, position, not_null }))).toEqual([
      { name: "email", position: 2, not_null: true },
      { name: "id", position: 1, not_null: true },
      { name: "legacy", position: 3, not_null: false },
      { name: "nickname", position: 4, not_null: false },
    ]);
    expect(users?.indexes.map((entry) => entry.name)).toEqual(["users_email_idx", "users_legacy_idx", "users_nickname_idx"]);
    expect(reached.tables.map((entry) => entry.name)).toEqual(["audit", "users"]);
    expect(reached.functions.map((entry) => entry.name)).toEqual(["new_helper", "old_helper"]);
  });

  it("is `to` when nothing is dropped", () => {
    const grown = snapshot({ tables: [...from.tables, table("extra")], views: from.views, functions: from.functions });
    expect(compareSnapshots(schemaAfterSafeDiff(from, grown), grown)).toEqual([]);
  });
});
