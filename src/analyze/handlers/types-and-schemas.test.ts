import { describe, expect, it } from "vitest";
import { facts, factsOf, named, onPath } from "../../../test/support/analyze-sql.js";

describe("types and domains", () => {
  it("creates an enum", async () => {
    expect(await factsOf("CREATE TYPE app.mood AS ENUM ('happy', 'sad')")).toEqual(
      facts({ kind: "create_enum", creates: [named("enum", "app.mood")], references: [named("schema", "app")] }),
    );
  });

  it("creates a composite type, referencing the types of its attributes that are not built in", async () => {
    expect(await factsOf("CREATE TYPE pair AS (label text, amount numeric(10, 2), feeling mood)")).toEqual(
      facts({
        kind: "create_type",
        creates: [named("type", "public.pair")],
        references: [onPath("type", "public.mood"), named("schema", "public")],
      }),
    );
  });

  it("creates a range type", async () => {
    expect(await factsOf("CREATE TYPE floatrange AS RANGE (subtype = float8)")).toEqual(
      facts({ kind: "create_type", creates: [named("type", "public.floatrange")], references: [named("schema", "public")] }),
    );
  });

  it("creates a domain over a built-in type or a type created elsewhere", async () => {
    expect(await factsOf("CREATE DOMAIN email AS text CHECK (VALUE ~ '@')")).toEqual(
      facts({ kind: "create_domain", creates: [named("domain", "public.email")], references: [named("schema", "public")] }),
    );
    expect(await factsOf("CREATE DOMAIN happy_mood AS mood NOT NULL")).toEqual(
      facts({
        kind: "create_domain",
        creates: [named("domain", "public.happy_mood")],
        references: [onPath("type", "public.mood"), named("schema", "public")],
      }),
    );
  });

  it("alters an enum, which must exist", async () => {
    const altered = { alters: [named("enum", "public.mood")], references: [onPath("type", "public.mood")] };
    expect(await factsOf("ALTER TYPE mood ADD VALUE 'meh'")).toEqual(facts({ kind: "alter_enum_add_value", ...altered }));
    expect(await factsOf("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'sad'")).toEqual(
      facts({ kind: "alter_enum_add_value", ...altered }),
    );
    expect(await factsOf("ALTER TYPE mood RENAME VALUE 'meh' TO 'so-so'")).toEqual(facts({ kind: "alter_enum_rename_value", ...altered }));
  });

  it("alters a domain, which must exist", async () => {
    expect(await factsOf("ALTER DOMAIN app.email SET NOT NULL")).toEqual(
      facts({ kind: "alter_domain", alters: [named("domain", "app.email")], references: [named("type", "app.email")] }),
    );
  });
});

describe("CREATE EXTENSION", () => {
  it("installs into the schema WITH SCHEMA names, which must exist", async () => {
    expect(await factsOf("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions")).toEqual(
      facts({
        kind: "create_extension",
        creates: [named("extension", "pgcrypto")],
        references: [named("schema", "extensions")],
        tolerantCreate: true,
        extensionSchema: "extensions",
      }),
    );
  });

  it("installs into the first schema of search_path otherwise", async () => {
    expect(await factsOf("CREATE EXTENSION citext")).toEqual(
      facts({ kind: "create_extension", creates: [named("extension", "citext")], extensionSchema: "public" }),
    );
    expect(await factsOf("SET search_path TO app, public; CREATE EXTENSION citext")).toEqual(
      facts({ kind: "create_extension", creates: [named("extension", "citext")], extensionSchema: "app" }),
    );
  });
});

describe("CREATE SCHEMA and ROLE", () => {
  it("creates a schema; AUTHORIZATION references its owner", async () => {
    expect(await factsOf("CREATE SCHEMA app")).toEqual(facts({ kind: "create_schema", creates: [named("schema", "app")] }));
    expect(await factsOf("CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION app_owner")).toEqual(
      facts({ kind: "create_schema", creates: [named("schema", "app")], references: [named("role", "app_owner")], tolerantCreate: true }),
    );
    expect(await factsOf("CREATE SCHEMA app AUTHORIZATION CURRENT_USER")).toEqual(
      facts({ kind: "create_schema", creates: [named("schema", "app")] }),
    );
  });

  it("names a schema after its owner when only AUTHORIZATION is given, and needs that role", async () => {
    expect(await factsOf("CREATE SCHEMA AUTHORIZATION app_owner")).toEqual(
      facts({ kind: "create_schema", creates: [named("schema", "app_owner")], references: [named("role", "app_owner")] }),
    );
    expect(await factsOf("CREATE SCHEMA app AUTHORIZATION app")).toEqual(
      facts({ kind: "create_schema", creates: [named("schema", "app")], references: [named("role", "app")] }),
    );
  });

  it("creates a role, which needs the roles it joins or admits", async () => {
    expect(await factsOf("CREATE ROLE reader NOLOGIN")).toEqual(facts({ kind: "create_role", creates: [named("role", "reader")] }));
    expect(await factsOf("CREATE ROLE reader IN ROLE staff ROLE alice ADMIN bob")).toEqual(
      facts({
        kind: "create_role",
        creates: [named("role", "reader")],
        references: [named("role", "alice"), named("role", "bob"), named("role", "staff")],
      }),
    );
  });

  it("drops a role, which must exist unless IF EXISTS", async () => {
    expect(await factsOf("DROP ROLE reader")).toEqual(
      facts({ kind: "drop_role", drops: [named("role", "reader")], references: [named("role", "reader")] }),
    );
    expect(await factsOf("DROP ROLE IF EXISTS reader, writer")).toEqual(
      facts({
        kind: "drop_role",
        drops: [named("role", "reader"), named("role", "writer")],
        softReferences: [named("role", "reader"), named("role", "writer")],
        tolerantDrop: true,
      }),
    );
  });

  it("alters a role, which must exist", async () => {
    const altered = { alters: [named("role", "reader")], references: [named("role", "reader")] };
    expect(await factsOf("ALTER ROLE reader WITH LOGIN")).toEqual(facts({ kind: "alter_role", ...altered }));
    expect(await factsOf("ALTER ROLE reader IN DATABASE shop SET statement_timeout = '5s'")).toEqual(
      facts({ kind: "alter_role_set", ...altered }),
    );
    expect(await factsOf("ALTER GROUP staff ADD USER reader")).toEqual(
      facts({ kind: "alter_role", alters: [named("role", "staff")], references: [named("role", "reader"), named("role", "staff")] }),
    );
    expect(await factsOf("ALTER ROLE ALL SET statement_timeout = '5s'")).toEqual(facts({ kind: "alter_role_set" }));
  });

  it("keeps the migration's search_path when a role's default search_path is set", async () => {
    expect(await factsOf("ALTER ROLE reader SET search_path = app; CREATE TABLE t (id int)")).toMatchObject({
      creates: expect.arrayContaining([named("table", "public.t")]),
    });
  });

  it("renames a role, which must exist", async () => {
    expect(await factsOf("ALTER ROLE reader RENAME TO viewer")).toEqual(
      facts({ kind: "rename_role", references: [named("role", "reader")], renames: [{ kind: "role", from: "reader", to: "viewer" }] }),
    );
  });
});

describe("CREATE AGGREGATE", () => {
  it("creates a function; its state function is a function reference, not a type", async () => {
    expect(await factsOf("CREATE AGGREGATE total_mood(mood) (SFUNC = add_mood, STYPE = mood, FINALFUNC = app.finish_mood)")).toEqual(
      facts({
        kind: "create_aggregate",
        creates: [named("function", "public.total_mood")],
        references: [
          onPath("function", "public.add_mood"),
          named("function", "app.finish_mood"),
          onPath("type", "public.mood"), // the argument and state type
          named("schema", "public"),
        ],
      }),
    );
  });

  it("references no built-in state function or type", async () => {
    expect(await factsOf("CREATE AGGREGATE concat_all(text) (SFUNC = textcat, STYPE = text, INITCOND = '')")).toEqual(
      facts({ kind: "create_aggregate", creates: [named("function", "public.concat_all")], references: [named("schema", "public")] }),
    );
  });
});
