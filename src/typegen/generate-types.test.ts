import { describe, expect, it } from "vitest";
import {
  columnSnapshot,
  constraintSnapshot,
  domainSnapshot,
  emptySnapshot,
  foreignKeySnapshot,
  functionSnapshot,
  schemaSnapshot,
  snapshotSource,
  tableSnapshot,
} from "../../test/support/snapshot-builders.js";
import { typecheck } from "../../test/support/typecheck.js";
import type { TypeSnapshot } from "../model/snapshot.js";
import { generateTypes } from "./generate-types.js";

const types: TypeSnapshot[] = [
  { kind: "enum", schema: "app", name: "mood", labels: ["sad", "ok", 'say "hi"'], comment: null },
  { kind: "enum", schema: "hidden", name: "flag", labels: ["on", "off"], comment: null },
  domainSnapshot("email", "public.citext", { not_null: true }),
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

const schemaNames = ["app", "empty", "hidden"];
const snapshot = emptySnapshot({
  source: snapshotSource({ server_version: "17.5", server_version_num: 170005, schemas: schemaNames }),
  schemas: schemaNames.map((name) => schemaSnapshot(name)),
  types,
  tables: [
    tableSnapshot("Order Items", {
      columns: [
        columnSnapshot("id", 0, "bigint", { not_null: true, identity: "always" }),
        columnSnapshot("order id", 0, "bigint", { not_null: true }),
        columnSnapshot("mood", 0, "app.mood[]"),
        columnSnapshot("flag", 0, "hidden.flag", { not_null: true }),
        columnSnapshot("contact", 0, "app.email"),
        columnSnapshot("address", 0, 'app."Address Line"'),
        columnSnapshot("qty", 0, "integer", { not_null: true, default: "1" }),
        columnSnapshot("double_qty", 0, "integer", { generated: { kind: "stored", expression: "qty * 2" } }),
      ],
      constraints: [
        constraintSnapshot("Order Items_pkey", "primary key", ["id"]),
        constraintSnapshot("order_fk", "foreign key", ["order id"], { foreign_key: foreignKeySnapshot('app."Orders"', ["id"]) }),
        constraintSnapshot("elsewhere_fk", "foreign key", ["qty"], { foreign_key: foreignKeySnapshot("hidden.things", ["n"]) }),
      ],
    }),
    tableSnapshot("Orders", {
      columns: [columnSnapshot("id", 0, "bigint", { not_null: true, identity: "by default" })],
      constraints: [constraintSnapshot("Orders_pkey", "primary key", ["id"])],
    }),
  ],
  functions: [
    functionSnapshot("add", { arguments: "a integer, b integer DEFAULT 1", result: "integer" }),
    functionSnapshot("add", { arguments: "a text, b text", result: "text" }),
    functionSnapshot("now_ish", { result: "timestamp with time zone" }),
    functionSnapshot("echo", { arguments: "jsonb", result: "jsonb" }),
    functionSnapshot("pair", { arguments: "integer, integer", result: "integer" }),
    functionSnapshot("touch", { result: "trigger" }),
    functionSnapshot("clear", { kind: "procedure", result: null }),
    functionSnapshot("orders_of", { arguments: "who bigint", result: 'SETOF app."Orders"' }),
    functionSnapshot("stats", { arguments: "OUT total bigint, OUT mood app.mood", result: "record" }),
    functionSnapshot("report", { arguments: "since date", result: "TABLE(day date, n bigint)" }),
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
