import { describe, expect, it } from "vitest";
import { type ColumnSnapshot, type IndexSnapshot, type Snapshot, snapshotFormat, type TableSnapshot } from "../model/snapshot.js";
import { bridgeMigration } from "./bridge-migration.js";

function snapshot(tables: TableSnapshot[]): Snapshot {
  return {
    format: snapshotFormat,
    source: { engine: "postgres", server_version: "15.4", server_version_num: 150004, schemas: ["app"] },
    schemas: [{ name: "app", grants: [], comment: null }],
    extensions: [],
    types: [],
    sequences: [],
    tables,
    views: [],
    functions: [],
    statistics: { relations: [], total_size_bytes: 0 },
  };
}

function column(name: string, position: number): ColumnSnapshot {
  return {
    name,
    position,
    type: "text",
    not_null: false,
    default: null,
    identity: null,
    generated: null,
    collation: null,
    grants: [],
    comment: null,
  };
}

function index(name: string, columnName: string): IndexSnapshot {
  return {
    name,
    definition: `CREATE INDEX ${name} ON app.users USING btree (${columnName})`,
    method: "btree",
    is_unique: false,
    is_primary: false,
    is_valid: true,
    predicate: null,
    constraint: null,
    comment: null,
  };
}

function users(columns: ColumnSnapshot[], indexes: IndexSnapshot[]): TableSnapshot {
  return {
    schema: "app",
    name: "users",
    kind: "table",
    persistence: "permanent",
    rls: { enabled: false, forced: false },
    partitioning: null,
    partition_of: null,
    inherits: [],
    options: [],
    columns,
    constraints: [],
    indexes,
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
  };
}

// Migrations made users(email) with an index; prod added a column by hand and dropped the index.
const migrations = snapshot([users([column("email", 1)], [index("users_email_idx", "email")])]);
const prod = snapshot([users([column("email", 1), column("nickname", 2)], [])]);
const header = ["Bridge migration written by drydock drift.", "", "It captures prod's hotfixes."];

describe("bridgeMigration", () => {
  it("leaves the drops out of the up, as comments, and undoes only what the up does", () => {
    const bridge = bridgeMigration({ from: migrations, to: prod, allowDestructive: false, header });
    expect(bridge?.statements).toEqual(['ALTER TABLE "app"."users" ADD COLUMN "nickname" text;']);
    expect(bridge?.left_out).toEqual(['-- destructive: index app.users_email_idx\nDROP INDEX "app"."users_email_idx";']);
    expect(bridge?.up).toBe(
      [
        "-- Bridge migration written by drydock drift.",
        "--",
        "-- It captures prod's hotfixes.",
        "",
        'ALTER TABLE "app"."users" ADD COLUMN "nickname" text;',
        "",
        "-- Left out: destructive statements. Run drift again with --allow-destructive to include them,",
        "-- or write them in a migration of their own.",
        "-- -- destructive: index app.users_email_idx",
        '-- DROP INDEX "app"."users_email_idx";',
        "",
      ].join("\n"),
    );
    expect(bridge?.down).toBe(
      [
        "-- Undoes the bridge: back to the schema it was applied to.",
        "",
        '-- destructive: column app.users.nickname and its data\nALTER TABLE "app"."users" DROP COLUMN "nickname";',
        "",
      ].join("\n"),
    );
  });

  it("keeps the drops with allowDestructive, and the down makes them again", () => {
    const bridge = bridgeMigration({ from: migrations, to: prod, allowDestructive: true, header });
    expect(bridge?.left_out).toEqual([]);
    expect(bridge?.statements).toContain('-- destructive: index app.users_email_idx\nDROP INDEX "app"."users_email_idx";');
    expect(bridge?.up).not.toContain("Left out");
    expect(bridge?.down).toContain("CREATE INDEX IF NOT EXISTS users_email_idx ON app.users USING btree (email);");
  });

  it("is null when the up would run nothing", () => {
    const onlyDropped = snapshot([users([column("email", 1)], [])]);
    expect(bridgeMigration({ from: migrations, to: onlyDropped, allowDestructive: false, header })).toBeNull();
    expect(bridgeMigration({ from: migrations, to: migrations, allowDestructive: true, header })).toBeNull();
  });
});
