import { describe, expect, it } from "vitest";
import { facts, factsOf, named, onPath } from "../../../test/support/analyze-sql.js";

describe("DROP", () => {
  it("drops a table, which must exist; IF EXISTS makes the reference soft", async () => {
    expect(await factsOf("DROP TABLE users")).toEqual(
      facts({ kind: "drop_table", drops: [named("table", "public.users")], references: [onPath("table", "public.users")] }),
    );
    expect(await factsOf("DROP TABLE IF EXISTS users, app.orders CASCADE")).toEqual(
      facts({
        kind: "drop_table",
        drops: [named("table", "public.users"), named("table", "app.orders")],
        softReferences: [onPath("table", "public.users"), named("table", "app.orders")],
        tolerantDrop: true,
        cascade: true,
      }),
    );
  });

  it("looks an unqualified name up along search_path", async () => {
    expect(await factsOf("SET search_path TO app, public; DROP TABLE users")).toEqual(
      facts({ kind: "drop_table", drops: [named("table", "app.users")], references: [onPath("table", "app.users", ["app", "public"])] }),
    );
  });

  it("drops an index, concurrently", async () => {
    expect(await factsOf("DROP INDEX CONCURRENTLY IF EXISTS app.users_email")).toEqual(
      facts({
        kind: "drop_index_concurrently",
        drops: [named("index", "app.users_email")],
        softReferences: [named("index", "app.users_email")],
        tolerantDrop: true,
      }),
    );
  });

  it("drops a function by its signature, and needs one of that name", async () => {
    expect(await factsOf("DROP FUNCTION add_user(int, text)")).toEqual(
      facts({
        kind: "drop_function",
        drops: [named("function", "public.add_user(int4, text)")],
        references: [onPath("function", "public.add_user")],
      }),
    );
    expect(await factsOf("DROP FUNCTION IF EXISTS app.add_user")).toEqual(
      facts({
        kind: "drop_function",
        drops: [named("function", "app.add_user")],
        softReferences: [named("function", "app.add_user")],
        tolerantDrop: true,
      }),
    );
    expect(await factsOf("DROP PROCEDURE archive(date)")).toEqual(
      facts({
        kind: "drop_procedure",
        drops: [named("procedure", "public.archive(date)")],
        references: [onPath("procedure", "public.archive")],
      }),
    );
  });

  it("drops a type with CASCADE", async () => {
    expect(await factsOf("DROP TYPE mood CASCADE")).toEqual(
      facts({ kind: "drop_type", drops: [named("type", "public.mood")], references: [onPath("type", "public.mood")], cascade: true }),
    );
  });

  it("drops a schema", async () => {
    expect(await factsOf("DROP SCHEMA IF EXISTS app CASCADE")).toEqual(
      facts({
        kind: "drop_schema",
        drops: [named("schema", "app")],
        softReferences: [named("schema", "app")],
        tolerantDrop: true,
        cascade: true,
      }),
    );
  });

  it.each([
    ["DROP VIEW recent_orders", "drop_view", named("view", "public.recent_orders")],
    ["DROP MATERIALIZED VIEW totals", "drop_materialized_view", named("materialized_view", "public.totals")],
    ["DROP SEQUENCE orders_id_seq", "drop_sequence", named("sequence", "public.orders_id_seq")],
    ["DROP DOMAIN email", "drop_domain", named("domain", "public.email")],
    ["DROP TRIGGER users_touch ON users", "drop_trigger", named("trigger", "public.users.users_touch")],
    ["DROP POLICY own_orders ON orders", "drop_policy", named("policy", "public.orders.own_orders")],
  ])("%s", async (sql, kind, object) => {
    expect(await factsOf(sql)).toEqual(facts({ kind, drops: [object], references: [onPath(object.kind, object.name)] }));
  });

  it("drops an extension", async () => {
    expect(await factsOf("DROP EXTENSION pgcrypto")).toEqual(
      facts({ kind: "drop_extension", drops: [named("extension", "pgcrypto")], references: [named("extension", "pgcrypto")] }),
    );
  });
});

describe("RENAME and SET SCHEMA", () => {
  it("renames a table", async () => {
    expect(await factsOf("ALTER TABLE orders RENAME TO purchases")).toEqual(
      facts({
        kind: "rename_table",
        references: [onPath("table", "public.orders")],
        renames: [{ kind: "table", from: "public.orders", to: "public.purchases" }],
      }),
    );
    expect(await factsOf("ALTER TABLE IF EXISTS app.orders RENAME TO purchases")).toEqual(
      facts({
        kind: "rename_table",
        softReferences: [named("table", "app.orders")],
        renames: [{ kind: "table", from: "app.orders", to: "app.purchases" }],
      }),
    );
  });

  it("renames a column", async () => {
    expect(await factsOf("ALTER TABLE orders RENAME COLUMN total TO amount")).toEqual(
      facts({
        kind: "rename_column",
        alters: [named("table", "public.orders")],
        references: [onPath("table", "public.orders")],
        renames: [{ kind: "column", from: "public.orders.total", to: "public.orders.amount" }],
      }),
    );
  });

  it("renames an index, which is only a soft reference", async () => {
    expect(await factsOf("ALTER INDEX orders_total RENAME TO orders_amount")).toEqual(
      facts({
        kind: "rename_index",
        softReferences: [onPath("index", "public.orders_total")],
        renames: [{ kind: "index", from: "public.orders_total", to: "public.orders_amount" }],
      }),
    );
  });

  it("renames a function with its signature, and a schema", async () => {
    expect(await factsOf("ALTER FUNCTION add_user(int, text) RENAME TO create_user")).toEqual(
      facts({
        kind: "rename_function",
        renames: [{ kind: "function", from: "public.add_user(int4, text)", to: "public.create_user(int4, text)" }],
      }),
    );
    expect(await factsOf("ALTER SCHEMA app RENAME TO application")).toEqual(
      facts({ kind: "rename_schema", references: [named("schema", "app")], renames: [{ kind: "schema", from: "app", to: "application" }] }),
    );
  });

  it("moves a table or a function to a schema that must exist", async () => {
    expect(await factsOf("ALTER TABLE orders SET SCHEMA billing")).toEqual(
      facts({
        kind: "alter_table_set_schema",
        references: [named("schema", "billing"), onPath("table", "public.orders")],
        renames: [{ kind: "table", from: "public.orders", to: "billing.orders" }],
      }),
    );
    expect(await factsOf("ALTER FUNCTION add_user(text) SET SCHEMA app")).toEqual(
      facts({
        kind: "alter_function_set_schema",
        references: [named("schema", "app")],
        renames: [{ kind: "function", from: "public.add_user(text)", to: "app.add_user(text)" }],
      }),
    );
  });
});

describe("GRANT and REVOKE", () => {
  const reader = named("role", "reader");

  it("references the tables granted on, and the grantee", async () => {
    expect(await factsOf("GRANT SELECT, INSERT ON TABLE app.orders, users TO reader")).toEqual(
      facts({ kind: "grant", references: [named("table", "app.orders"), onPath("table", "public.users"), reader] }),
    );
    expect(await factsOf("REVOKE ALL ON users FROM reader")).toEqual(
      facts({ kind: "revoke", references: [onPath("table", "public.users"), reader] }),
    );
  });

  it("references a function by name", async () => {
    expect(await factsOf("GRANT EXECUTE ON FUNCTION add_user(int, text) TO reader")).toEqual(
      facts({ kind: "grant", references: [onPath("function", "public.add_user"), reader] }),
    );
  });

  it("references a schema", async () => {
    expect(await factsOf("GRANT USAGE ON SCHEMA app TO reader")).toEqual(
      facts({ kind: "grant", references: [named("schema", "app"), reader] }),
    );
    expect(await factsOf("GRANT SELECT ON ALL TABLES IN SCHEMA app, billing TO reader")).toEqual(
      facts({ kind: "grant", references: [named("schema", "app"), named("schema", "billing"), reader] }),
    );
  });

  it.each([
    ["a sequence", "GRANT USAGE, SELECT ON SEQUENCE app.ids TO reader, writer", [named("table", "app.ids")]],
    ["a type", "GRANT USAGE ON TYPE app.mood TO reader, writer", []],
    ["a database", "GRANT CONNECT ON DATABASE shop TO reader, writer", []],
    ["a procedure", "REVOKE EXECUTE ON PROCEDURE app.archive(date) FROM reader, writer", [named("function", "app.archive")]],
  ])("references every grantee of privileges on %s", async (_, sql, objects) => {
    expect((await factsOf(sql)).references).toEqual(expect.arrayContaining([...objects, reader, named("role", "writer")]));
  });

  it("references the grantor of GRANTED BY", async () => {
    expect(await factsOf("GRANT SELECT ON app.orders TO reader WITH GRANT OPTION GRANTED BY app_owner")).toEqual(
      facts({ kind: "grant", references: [named("role", "app_owner"), reader, named("table", "app.orders")] }),
    );
  });

  it.each([
    "GRANT SELECT ON app.orders TO PUBLIC",
    "GRANT SELECT ON app.orders TO CURRENT_USER, SESSION_USER, CURRENT_ROLE",
    "REVOKE SELECT ON app.orders FROM public",
    "GRANT SELECT ON app.orders TO pg_read_all_data",
  ])("references no pseudo-role or predefined role: %s", async (sql) => {
    expect((await factsOf(sql)).references).toEqual([named("table", "app.orders")]);
  });

  it("grants a role: both the granted role and the member must exist", async () => {
    expect(await factsOf("GRANT reader TO app_user")).toEqual(
      facts({ kind: "grant_role", references: [named("role", "app_user"), reader] }),
    );
    expect(await factsOf('REVOKE "Reader", writer FROM app_user GRANTED BY admin')).toEqual(
      facts({
        kind: "revoke_role",
        references: [named("role", "admin"), named("role", "app_user"), named("role", "Reader"), named("role", "writer")],
      }),
    );
  });

  it("references the owner and the grantees of ALTER DEFAULT PRIVILEGES", async () => {
    const sql = "ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app GRANT SELECT ON TABLES TO reader, public";
    expect(await factsOf(sql)).toEqual(facts({ kind: "alter_default_privileges", references: [named("role", "app_owner"), reader] }));
    expect(await factsOf("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM reader")).toEqual(
      facts({ kind: "alter_default_privileges", references: [reader] }),
    );
  });
});

describe("owners and sessions", () => {
  it.each([
    ["ALTER TABLE app.orders OWNER TO app_owner", [named("table", "app.orders")]],
    ["ALTER VIEW app.totals OWNER TO app_owner", [named("view", "app.totals")]],
    ["ALTER SEQUENCE app.ids OWNER TO app_owner", [named("sequence", "app.ids")]],
    ["ALTER FUNCTION app.f(int) OWNER TO app_owner", []],
    ["ALTER SCHEMA app OWNER TO app_owner", []],
    ["ALTER TYPE app.mood OWNER TO app_owner", []],
    ["REASSIGN OWNED BY app_owner TO app_owner", []],
  ])("references the new owner: %s", async (sql, objects) => {
    expect((await factsOf(sql)).references).toEqual(facts({ references: [...objects, named("role", "app_owner")] }).references);
  });

  it("references no role for OWNER TO CURRENT_USER", async () => {
    expect((await factsOf("ALTER TABLE app.orders OWNER TO CURRENT_USER")).references).toEqual([named("table", "app.orders")]);
  });

  it("references the role of SET ROLE and SET SESSION AUTHORIZATION, not NONE or DEFAULT", async () => {
    expect(await factsOf("SET ROLE app_owner")).toEqual(facts({ kind: "set", references: [named("role", "app_owner")] }));
    expect(await factsOf("SET LOCAL ROLE 'App Owner'")).toEqual(facts({ kind: "set", references: [named("role", "App Owner")] }));
    expect(await factsOf("SET SESSION AUTHORIZATION app_owner")).toEqual(facts({ kind: "set", references: [named("role", "app_owner")] }));
    for (const sql of ["SET ROLE NONE", "RESET ROLE", "SET SESSION AUTHORIZATION DEFAULT", "RESET SESSION AUTHORIZATION"]) {
      expect(await factsOf(sql)).toEqual(facts({ kind: "set" }));
    }
  });
});

describe("COMMENT ON", () => {
  it.each([
    "COMMENT ON TABLE users IS 'people'",
    "COMMENT ON COLUMN app.users.email IS 'login'",
    "COMMENT ON FUNCTION add_user(int, text) IS 'adds'",
  ])("needs no reference to the commented object: %s", async (sql) => {
    expect(await factsOf(sql)).toEqual(facts({ kind: "comment" }));
  });
});

describe("DML", () => {
  it("references the tables of INSERT … SELECT, not its CTE", async () => {
    expect(await factsOf("WITH fresh AS (SELECT * FROM staging.users) INSERT INTO users (email) SELECT email FROM fresh")).toEqual(
      facts({ kind: "insert", references: [onPath("table", "public.users"), named("table", "staging.users")] }),
    );
  });

  it("references the tables of UPDATE … FROM and DELETE … USING", async () => {
    const both = [onPath("table", "public.users"), onPath("table", "public.orgs")];
    expect(await factsOf("UPDATE users SET org_id = o.id FROM orgs o WHERE o.domain = split_part(users.email, '@', 2)")).toEqual(
      facts({ kind: "update", references: both }),
    );
    expect(await factsOf("DELETE FROM users USING orgs WHERE orgs.id = users.org_id")).toEqual(facts({ kind: "delete", references: both }));
  });

  it("references the tables of TRUNCATE and REFRESH", async () => {
    expect(await factsOf("TRUNCATE users")).toEqual(facts({ kind: "truncate", references: [onPath("table", "public.users")] }));
    expect(await factsOf("REFRESH MATERIALIZED VIEW CONCURRENTLY totals")).toEqual(
      facts({ kind: "refresh_materialized_view_concurrently", references: [onPath("table", "public.totals")] }),
    );
  });
});

describe("settings and transactions", () => {
  it("has its own kind for SET and transaction control", async () => {
    expect(await factsOf("SET lock_timeout = '5s'")).toEqual(facts({ kind: "set" }));
    expect(await factsOf("BEGIN")).toEqual(facts({ kind: "transaction" }));
  });
});
