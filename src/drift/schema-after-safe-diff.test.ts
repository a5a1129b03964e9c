import { describe, expect, it } from "vitest";
import {
  columnSnapshot,
  emptySnapshot,
  functionSnapshot,
  indexSnapshot,
  policySnapshot,
  tableSnapshot,
  viewSnapshot,
} from "../../test/support/snapshot-builders.js";
import { generateDiffSql } from "../diff/generate-diff-sql.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { schemaAfterSafeDiff } from "./schema-after-safe-diff.js";

const idColumn = () => columnSnapshot("id", 1, "bigint", { not_null: true });
const index = (name: string, table: string, column: string) =>
  indexSnapshot(name, `CREATE INDEX ${name} ON app.${table} USING btree (${column})`);
const sqlFunction = (name: string) =>
  functionSnapshot(name, {
    result: "integer",
    volatility: "immutable",
    body: "SELECT 1",
    definition: `CREATE OR REPLACE FUNCTION app.${name}()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT 1$function$\n`,
  });

// The migrations' schema, and a database where someone dropped things and added others by hand.
const from = emptySnapshot({
  tables: [
    tableSnapshot("users", {
      columns: [idColumn(), columnSnapshot("email", 2, "text"), columnSnapshot("legacy", 3, "text")],
      indexes: [index("users_email_idx", "users", "email"), index("users_legacy_idx", "users", "legacy")],
      policies: [policySnapshot("own", { command: "select", using: "true" })],
    }),
    tableSnapshot("audit", { columns: [idColumn()] }),
  ],
  views: [viewSnapshot("emails", " SELECT users.email\n   FROM app.users;")],
  functions: [sqlFunction("old_helper")],
});
const to = emptySnapshot({
  tables: [
    tableSnapshot("users", {
      columns: [idColumn(), columnSnapshot("email", 2, "text", { not_null: true }), columnSnapshot("nickname", 3, "text")],
      indexes: [index("users_email_idx", "users", "email"), index("users_nickname_idx", "users", "nickname")],
    }),
  ],
  functions: [sqlFunction("new_helper")],
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
    const grown = emptySnapshot({
      tables: [...from.tables, tableSnapshot("extra", { columns: [idColumn()] })],
      views: from.views,
      functions: from.functions,
    });
    expect(compareSnapshots(schemaAfterSafeDiff(from, grown), grown)).toEqual([]);
  });
});
