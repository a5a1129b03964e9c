import { describe, expect, it } from "vitest";
import { extensionProvides, isBuiltinFunction, isBuiltinRelation, isBuiltinType, isSystemSchema } from "./builtin-names.js";
import { extensionRequires } from "./extension-objects.js";
import { pgCatalogFunctions, pgCatalogTypes } from "./pg-catalog-names.js";

describe("isBuiltinFunction", () => {
  it.each(["now", "gen_random_uuid", "count", "jsonb_build_object", "array_agg", "row_number", "btrim", "RI_FKey_check_ins"])(
    "knows %s",
    (name) => expect(isBuiltinFunction(name)).toBe(true),
  );

  // The parser turns these into CoalesceExpr, MinMaxExpr, A_Expr or pg_catalog.btrim, so pg_proc has no row for them.
  it.each(["coalesce", "greatest", "least", "nullif", "trim"])("does not list the expression %s", (name) =>
    expect(isBuiltinFunction(name)).toBe(false),
  );

  it.each(["crypt", "uuid_generate_v4", "similarity", "drydock_made_up_fn", "NOW"])("rejects %s", (name) =>
    expect(isBuiltinFunction(name)).toBe(false),
  );
});

describe("isBuiltinType", () => {
  it.each([
    "text",
    "uuid",
    "jsonb",
    "int4",
    "timestamptz",
    "bytea",
    "inet",
    "bool",
    "trigger",
    "serial",
    "bigserial",
    "smallserial",
    "serial8",
  ])("knows %s", (name) => expect(isBuiltinType(name)).toBe(true));

  it.each(["citext", "hstore", "ltree", "drydock_made_up_type", "TEXT"])("rejects %s", (name) => expect(isBuiltinType(name)).toBe(false));

  it("takes the serial family from the parser, not from pg_type", () => {
    expect(pgCatalogTypes).not.toContain("serial");
  });
});

describe("isBuiltinRelation", () => {
  it.each([
    ["pg_catalog", "pg_class"],
    ["pg_catalog", "pg_stat_activity"],
    ["pg_catalog", "pg_tables"],
    ["information_schema", "tables"],
    ["information_schema", "columns"],
  ])("knows %s.%s", (schema, name) => expect(isBuiltinRelation(schema, name)).toBe(true));

  it.each([
    ["public", "pg_class"],
    ["pg_catalog", "tables"],
    ["information_schema", "pg_class"],
    ["pg_catalog", "drydock_made_up_table"],
  ])("rejects %s.%s", (schema, name) => expect(isBuiltinRelation(schema, name)).toBe(false));
});

describe("isSystemSchema", () => {
  it.each(["pg_catalog", "information_schema", "pg_toast", "pg_temp", "pg_temp_3", "pg_toast_temp_3"])("knows %s", (schema) =>
    expect(isSystemSchema(schema)).toBe(true),
  );

  it.each(["public", "app", "pg_temp_x"])("rejects %s", (schema) => expect(isSystemSchema(schema)).toBe(false));
});

describe("extensionProvides", () => {
  it.each([
    ["pgcrypto", "functions", ["crypt", "gen_salt", "digest", "pgp_sym_encrypt"]],
    ["uuid-ossp", "functions", ["uuid_generate_v4"]],
    ["pg_trgm", "functions", ["similarity"]],
    ["citext", "types", ["citext"]],
    ["ltree", "types", ["ltree"]],
    ["hstore", "types", ["hstore"]],
    ["pg_stat_statements", "relations", ["pg_stat_statements"]],
  ] as const)("knows that %s provides %s %j", (extension, kind, names) => {
    const provided = extensionProvides(extension);
    for (const name of names) expect(provided?.[kind].has(name)).toBe(true);
  });

  it("lists an extension's own objects only, and what it requires", () => {
    expect(extensionProvides("earthdistance")?.functions.has("cube")).toBe(false);
    expect(extensionProvides("cube")?.functions.has("cube")).toBe(true);
    expect(extensionRequires.earthdistance).toEqual(["cube"]);
  });

  it("skips array types", () => {
    expect(extensionProvides("hstore")?.types.has("_hstore")).toBe(false);
  });

  it.each(["drydock_made_up_extension", "constructor", "PGCRYPTO"])("returns null for %s", (name) =>
    expect(extensionProvides(name)).toBeNull(),
  );
});

describe("generated lists", () => {
  it("are sorted and free of duplicates", () => {
    for (const list of [pgCatalogFunctions, pgCatalogTypes]) {
      expect([...new Set(list)].sort()).toEqual(list);
    }
  });
});
