import { describe, expect, it } from "vitest";
import { typecheck } from "../../test/support/typecheck.js";
import type { ColumnSnapshot, ConstraintSnapshot, FunctionSnapshot, Snapshot, TableSnapshot, TypeSnapshot } from "../model/snapshot.js";
import { snapshotFormat } from "../model/snapshot.js";
import { generateTypes } from "./generate-types.js";

function column(name: string, type: string, more: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return {
    name,
    position: 0,
    type,
    not_null: false,
    default: null,
    identity: null,
    generated: null,
    collation: null,
    grants: [],
    comment: null,
    ...more,
  };
}

function table(schema: string, name: string, columns: ColumnSnapshot[], constraints: ConstraintSnapshot[] = []): TableSnapshot {
  return {
    schema,
    name,
    kind: "table",
    persistence: "permanent",
    rls: { enabled: false, forced: false },
    partitioning: null,
    partition_of: null,
    inherits: [],
    options: [],
    columns,
    constraints,
    indexes: [],
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
  };
}

function constraint(
  name: string,
  type: ConstraintSnapshot["type"],
  columns: string[],
  references?: [string, string[]],
): ConstraintSnapshot {
  return {
    name,
    type,
    definition: "",
    columns,
    is_valid: true,
    deferrable: false,
    initially_deferred: false,
    foreign_key: references
      ? { table: references[0], columns: references[1], on_update: "no action", on_delete: "no action", match: "simple" }
      : null,
    comment: null,
  };
}

function fn(
  schema: string,
  name: string,
  args: string,
  result: string | null,
  kind: FunctionSnapshot["kind"] = "function",
): FunctionSnapshot {
  return {
    schema,
    name,
    signature: `${schema}.${name}()`,
    arguments: args,
    kind,
    result,
    language: "sql",
    volatility: "volatile",
    security_definer: false,
    strict: false,
    leakproof: false,
    parallel: "unsafe",
    search_path: null,
    config: [],
    body: "",
    definition: null,
    grants: [],
    comment: null,
  };
}

function snapshotOf(parts: Partial<Snapshot> & { schemaNames: string[] }): Snapshot {
  const { schemaNames, ...rest } = parts;
  return {
    format: snapshotFormat,
    source: { engine: "postgres", server_version: "17.5", server_version_num: 170005, schemas: schemaNames },
    schemas: schemaNames.map((name) => ({ name, grants: [], comment: null })),
    extensions: [],
    types: [],
    sequences: [],
    tables: [],
    views: [],
    functions: [],
    statistics: { relations: [], total_size_bytes: 0 },
    ...rest,
  };
}

const types: TypeSnapshot[] = [
  { kind: "enum", schema: "app", name: "mood", labels: ["sad", "ok", 'say "hi"'], comment: null },
  { kind: "enum", schema: "hidden", name: "flag", labels: ["on", "off"], comment: null },
  {
    kind: "domain",
    schema: "app",
    name: "email",
    base_type: "public.citext",
    not_null: true,
    default: null,
    collation: null,
    constraints: [],
    comment: null,
  },
  {
    kind: "composite",
    schema: "app",
    name: "Address Line",
    attributes: [
      { name: "street", position: 1, type: "text", collation: null },
      { name: "zip code", position: 2, type: "character varying(10)", collation: null },
    ],
    comment: null,
  },
];

const snapshot = snapshotOf({
  schemaNames: ["app", "empty", "hidden"],
  types,
  tables: [
    table(
      "app",
      "Order Items",
      [
        column("id", "bigint", { not_null: true, identity: "always" }),
        column("order id", "bigint", { not_null: true }),
        column("mood", "app.mood[]"),
        column("flag", "hidden.flag", { not_null: true }),
        column("contact", "app.email"),
        column("address", 'app."Address Line"'),
        column("qty", "integer", { not_null: true, default: "1" }),
        column("double_qty", "integer", { generated: { kind: "stored", expression: "qty * 2" } }),
      ],
      [
        constraint("Order Items_pkey", "primary key", ["id"]),
        constraint("order_fk", "foreign key", ["order id"], ['app."Orders"', ["id"]]),
        constraint("elsewhere_fk", "foreign key", ["qty"], ["hidden.things", ["n"]]),
      ],
    ),
    table(
      "app",
      "Orders",
      [column("id", "bigint", { not_null: true, identity: "by default" })],
      [constraint("Orders_pkey", "primary key", ["id"])],
    ),
  ],
  functions: [
    fn("app", "add", "a integer, b integer DEFAULT 1", "integer"),
    fn("app", "add", "a text, b text", "text"),
    fn("app", "now_ish", "", "timestamp with time zone"),
    fn("app", "echo", "jsonb", "jsonb"),
    fn("app", "pair", "integer, integer", "integer"),
    fn("app", "touch", "", "trigger"),
    fn("app", "clear", "", null, "procedure"),
    fn("app", "orders_of", "who bigint", 'SETOF app."Orders"'),
    fn("app", "stats", "OUT total bigint, OUT mood app.mood", "record"),
    fn("app", "report", "since date", "TABLE(day date, n bigint)"),
  ],
});

describe("generateTypes", () => {
  const source = generateTypes(snapshot);

  it("writes the supabase shape with quoted names where needed", () => {
    expect(source).toContain("export type Json =\n");
    expect(source).toContain('export type Database = {\n  app: {\n    Tables: {\n      "Order Items": {\n        Row: {\n');
    expect(source).toContain('          "order id": number\n');
    expect(source).toContain('          mood: Database["app"]["Enums"]["mood"][] | null\n');
    expect(source).toContain('          flag: Database["hidden"]["Enums"]["flag"]\n');
    expect(source).toContain("          contact: string\n");
    expect(source).toContain('          address: Database["app"]["CompositeTypes"]["Address Line"] | null\n');
    expect(source).toContain('      mood: "sad" | "ok" | "say \\"hi\\""\n');
    expect(source).toContain('      "Address Line": {\n        street: string | null\n        "zip code": string | null\n      }\n');
  });

  it("makes defaulted, nullable and identity columns optional in Insert and generated ones never", () => {
    const insert = between(source, '"Order Items": {', "Update: {");
    expect(insert).toContain("          id?: never\n");
    expect(insert).toContain("          double_qty?: never\n");
    expect(insert).toContain("          qty?: number\n");
    expect(insert).toContain('          "order id": number\n');
    // a NOT NULL domain without a default refuses the NULL an insert without the column would write
    expect(insert).toContain("          contact: string\n");
    expect(insert).toContain('          mood?: Database["app"]["Enums"]["mood"][] | null\n');
    expect(between(source, "Orders: {", "Relationships")).toContain("Insert: {\n          id?: number\n");
  });

  it("writes relationships to the same schema only", () => {
    expect(source).toContain(
      '        Relationships: [\n          {\n            foreignKeyName: "order_fk"\n            columns: ["order id"]\n            isOneToOne: false\n            referencedRelation: "Orders"\n            referencedColumns: ["id"]\n          },\n        ]\n',
    );
    expect(source).not.toContain("elsewhere_fk");
  });

  it("writes callable functions with overloads as unions", () => {
    const functions = between(source, "Functions: {", "Enums: {");
    expect(functions).toContain(
      "      add:\n        | {\n            Args: {\n              a: number\n              b?: number\n            }\n            Returns: number\n          }\n        | {\n            Args: {\n              a: string\n              b: string\n            }\n            Returns: string\n          }\n",
    );
    expect(functions).toContain("      now_ish: {\n        Args: never\n        Returns: string\n      }\n");
    expect(functions).toContain('      echo: {\n        Args: {\n          "": Json\n        }\n');
    expect(functions).toContain('        Returns: Database["app"]["Tables"]["Orders"]["Row"][]\n');
    expect(functions).toContain(
      '        Returns: {\n          total: number\n          mood: Database["app"]["Enums"]["mood"]\n        }\n',
    );
    expect(functions).toContain("        Returns: {\n          day: string\n          n: number\n        }[]\n");
    for (const left of ["pair", "touch", "clear"]) expect(functions).not.toContain(`${left}:`);
  });

  it("writes empty schemas and sections as mapped types over never", () => {
    expect(source).toContain("  empty: {\n    Tables: {\n      [_ in never]: never\n    }\n");
  });

  it("writes the helper types for public, or else the first schema, and the enum labels as Constants", () => {
    expect(source).toContain('type DefaultSchema = Database["app"]');
    expect(source).toContain(
      'export const Constants = {\n  app: {\n    Enums: {\n      mood: ["sad", "ok", "say \\"hi\\""],\n    },\n  },\n  empty: {\n    Enums: {},\n  },\n',
    );
  });

  it("writes only the schemas asked for, enums of the others inline", () => {
    const only = generateTypes(snapshot, { schemas: ["app"] });
    expect(only).not.toContain("hidden: {");
    expect(only).toContain('flag: "on" | "off"');
  });

  it("is the same for the same snapshot, whatever the order of its lists", () => {
    const shuffled = { ...snapshot, tables: [...snapshot.tables].reverse(), functions: [...snapshot.functions].reverse() };
    expect(generateTypes(shuffled)).toBe(source);
  });

  it("compiles, and the types accept and refuse what the database does", () => {
    const check = `
import { Constants, type Database, type Enums, type Tables, type TablesInsert, type TablesUpdate } from "./database"
type Insert = TablesInsert<"Order Items">
const ok: Insert = { "order id": 1, flag: "on", contact: "a@b.c" }
// @ts-expect-error an identity ALWAYS column takes no value
const withId: Insert = { id: 1, "order id": 1, flag: "on", contact: "a@b.c" }
// @ts-expect-error "order id" is NOT NULL without a default
const missing: Insert = { flag: "on", contact: "a@b.c" }
// @ts-expect-error not a label of the enum
const wrongFlag: Insert = { "order id": 1, flag: "maybe", contact: "a@b.c" }
const update: TablesUpdate<"Order Items"> = { qty: 2 }
const row: Tables<"Order Items"> = { id: 1, "order id": 2, mood: ["ok"], flag: "off", contact: "a@b.c", address: null, qty: 1, double_qty: null }
const mood: Enums<"mood"> = "sad"
const moods: readonly Enums<"mood">[] = Constants.app.Enums.mood
type Add = Database["app"]["Functions"]["add"]
const args: Add["Args"] = { a: 1 }
export { ok, withId, missing, wrongFlag, update, row, mood, moods, args }
`;
    expect(typecheck({ "database.ts": source, "check.ts": check })).toEqual([]);
  });
});

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  return text.slice(from, text.indexOf(end, from + start.length));
}
