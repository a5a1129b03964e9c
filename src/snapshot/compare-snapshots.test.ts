import { describe, expect, it } from "vitest";
import {
  aggregateSnapshot,
  columnSnapshot,
  emptySnapshot,
  functionSnapshot,
  indexSnapshot,
  tableSnapshot,
} from "../../test/support/snapshot-builders.js";
import type { Snapshot, TableSnapshot } from "../model/snapshot.js";
import { compareSnapshots, snapshotsEqual } from "./compare-snapshots.js";

const idColumn = () => columnSnapshot("id", 1, "integer", { not_null: true });
/** The tables here have the column `id integer NOT NULL` unless they say otherwise. */
const table = (name: string, overrides: Partial<TableSnapshot> = {}) => tableSnapshot(name, { columns: [idColumn()], ...overrides });
/** The snapshots here hold the table `users` unless they say otherwise. */
const snapshot = (overrides: Partial<Snapshot> = {}) => emptySnapshot({ tables: [table("users")], ...overrides });

describe("compareSnapshots", () => {
  it("finds nothing between equal snapshots", () => {
    expect(compareSnapshots(snapshot(), snapshot())).toEqual([]);
    expect(snapshotsEqual(snapshot(), snapshot())).toBe(true);
  });

  it("ignores statistics and where the snapshot was taken", () => {
    const other = snapshot({
      source: { engine: "pglite", server_version: "17.5", server_version_num: 170005, schemas: ["app"] },
      statistics: {
        relations: [{ schema: "app", name: "users", row_estimate: 10, row_count: 12, size_bytes: 8192, total_size_bytes: 16384 }],
        total_size_bytes: 16384,
      },
    });
    expect(compareSnapshots(snapshot(), other)).toEqual([]);
  });

  it("reports each changed attribute, nested ones by their path", () => {
    const before = snapshot();
    const after = snapshot({
      tables: [
        table("users", {
          rls: { enabled: true, forced: false },
          comment: "people",
          columns: [columnSnapshot("id", 1, "bigint", { not_null: true, default: "nextval('app.users_id_seq'::regclass)" })],
        }),
      ],
    });
    expect(compareSnapshots(before, after)).toEqual([
      { kind: "table", name: "app.users", change: "changed", attribute: "comment", before: null, after: "people" },
      { kind: "table", name: "app.users", change: "changed", attribute: "rls.enabled", before: false, after: true },
      {
        kind: "column",
        name: "app.users.id",
        change: "changed",
        attribute: "default",
        before: null,
        after: "nextval('app.users_id_seq'::regclass)",
      },
      { kind: "column", name: "app.users.id", change: "changed", attribute: "type", before: "integer", after: "bigint" },
    ]);
    expect(snapshotsEqual(before, after)).toBe(false);
  });

  it("reports a missing or extra object once, without its parts", () => {
    const before = snapshot({
      tables: [table("users"), table("teams", { grants: [{ grantee: "PUBLIC", privilege: "SELECT", grantable: false }] })],
    });
    const after = snapshot({
      tables: [table("users", { columns: [idColumn(), columnSnapshot("email", 2, "text")] }), table("orders")],
    });
    expect(compareSnapshots(before, after)).toEqual([
      { kind: "table", name: "app.orders", change: "extra" },
      { kind: "table", name: "app.teams", change: "missing" },
      { kind: "column", name: "app.users.email", change: "extra" },
    ]);
  });

  it("reports grants as objects of their own", () => {
    const grant = { grantee: "app_user", privilege: "SELECT", grantable: false };
    const before = snapshot({ tables: [table("users", { grants: [grant] })] });
    const after = snapshot({
      tables: [
        table("users", {
          grants: [
            { ...grant, grantable: true },
            { ...grant, privilege: "INSERT" },
          ],
        }),
      ],
    });
    expect(compareSnapshots(before, after)).toEqual([
      { kind: "grant", name: "app.users: INSERT to app_user", change: "extra" },
      { kind: "grant", name: "app.users: SELECT to app_user", change: "changed", attribute: "grantable", before: false, after: true },
    ]);
  });

  it("reports a definition only when nothing more precise differs", () => {
    const index = indexSnapshot("users_email_idx", "CREATE INDEX users_email_idx ON app.users USING btree (email)");
    const rebuilt = { ...index, definition: "CREATE UNIQUE INDEX users_email_idx ON app.users USING btree (email)", is_unique: true };
    const reordered = { ...index, definition: "CREATE INDEX users_email_idx ON app.users USING btree (email DESC)" };
    const withIndex = (value: typeof index) => snapshot({ tables: [table("users", { indexes: [value] })] });
    expect(compareSnapshots(withIndex(index), withIndex(rebuilt))).toEqual([
      { kind: "index", name: "app.users_email_idx", change: "changed", attribute: "is_unique", before: false, after: true },
    ]);
    expect(compareSnapshots(withIndex(index), withIndex(reordered))).toEqual([
      {
        kind: "index",
        name: "app.users_email_idx",
        change: "changed",
        attribute: "definition",
        before: index.definition,
        after: reordered.definition,
      },
    ]);
  });

  it("compares column order unless told not to", () => {
    const before = snapshot({
      tables: [
        table("users", {
          columns: [columnSnapshot("email", 2, "integer"), columnSnapshot("id", 1, "integer"), columnSnapshot("name", 3, "integer")],
        }),
      ],
    });
    const after = snapshot({
      tables: [
        table("users", {
          columns: [columnSnapshot("email", 3, "integer"), columnSnapshot("id", 1, "integer"), columnSnapshot("name", 2, "integer")],
        }),
      ],
    });
    expect(compareSnapshots(before, after).map((difference) => `${difference.name} ${difference.attribute}`)).toEqual([
      "app.users.email position",
      "app.users.name position",
    ]);
    expect(compareSnapshots(before, after, { ignoreColumnOrder: true })).toEqual([]);
  });

  it("tells overloaded functions apart by signature and compares the other kinds", () => {
    const fn = functionSnapshot("f", {
      signature: "app.f(integer)",
      arguments: "x integer",
      result: "integer",
      volatility: "immutable",
      body: "SELECT x",
      definition: "CREATE FUNCTION …",
    });
    const before = snapshot({
      functions: [fn],
      types: [{ schema: "app", name: "mood", kind: "enum", labels: ["sad", "happy"], comment: null }],
      extensions: [{ name: "citext", version: "1.6", schema: "public", functions: [] }],
    });
    const after = snapshot({
      functions: [
        { ...fn, security_definer: true },
        { ...fn, signature: "app.f(text)", arguments: "x text" },
      ],
      types: [{ schema: "app", name: "mood", kind: "enum", labels: ["sad", "ok", "happy"], comment: null }],
      extensions: [{ name: "citext", version: "1.8", schema: "public", functions: [] }],
      schemas: [],
    });
    expect(compareSnapshots(before, after)).toEqual([
      { kind: "schema", name: "app", change: "missing" },
      { kind: "function", name: "app.f(integer)", change: "changed", attribute: "security_definer", before: false, after: true },
      { kind: "function", name: "app.f(text)", change: "extra" },
      { kind: "type", name: "app.mood", change: "changed", attribute: "labels", before: ["sad", "happy"], after: ["sad", "ok", "happy"] },
      { kind: "extension", name: "citext", change: "changed", attribute: "version", before: "1.6", after: "1.8" },
    ]);
  });

  it("compares owners (no owner: the database's) and aggregate definitions by their path", () => {
    const aggregate = aggregateSnapshot("int4pl(integer,integer)", "integer", { initial_condition: "0" });
    const total = functionSnapshot("total", {
      signature: "app.total(integer)",
      arguments: "integer",
      kind: "aggregate",
      result: "integer",
      language: "internal",
      volatility: "immutable",
      body: "aggregate_dummy",
      aggregate,
    });
    const before = snapshot({ functions: [total] });
    const after = snapshot({
      tables: [table("users", { owner: "app_admin" })],
      functions: [{ ...total, owner: "app_admin", aggregate: { ...aggregate, initial_condition: "1" } }],
    });
    expect(compareSnapshots(before, after)).toEqual([
      {
        kind: "function",
        name: "app.total(integer)",
        change: "changed",
        attribute: "aggregate.initial_condition",
        before: "0",
        after: "1",
      },
      { kind: "function", name: "app.total(integer)", change: "changed", attribute: "owner", before: null, after: "app_admin" },
      { kind: "table", name: "app.users", change: "changed", attribute: "owner", before: null, after: "app_admin" },
    ]);
  });
});
