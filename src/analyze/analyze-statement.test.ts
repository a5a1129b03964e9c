import { describe, expect, it } from "vitest";
import { analyzeSql, facts, factsOf, named, onPath } from "../../test/support/analyze-sql.js";
import { parseSql } from "../parse/parse-sql.js";
import { analyzeStatement } from "./analyze-statement.js";
import { NameResolver } from "./name-resolver.js";

describe("analyzeStatement", () => {
  it("keeps the statement's position and predicts its locks", async () => {
    const { statements } = await parseSql("test.sql", "SELECT 1;\n\n  ALTER TABLE users ADD COLUMN x int;");
    const [, statement] = statements;
    if (!statement) throw new Error("two statements expected");
    expect(analyzeStatement(statement, new NameResolver(["public"]))).toMatchObject({
      index: 1,
      line: 3,
      column: 3,
      kind: "alter_table_add_column",
      locks: [{ relation: "public.users", mode: "AccessExclusiveLock" }],
      renames: [],
      cascade: false,
      tolerantCreate: false,
      tolerantDrop: false,
    });
  });

  describe("schemas of created objects", () => {
    it("references the schema a created object goes to", async () => {
      expect((await factsOf("CREATE TABLE app.t (a int)")).references).toEqual([named("schema", "app")]);
      expect((await factsOf("CREATE SEQUENCE billing.invoice_numbers")).references).toEqual([named("schema", "billing")]);
      expect((await factsOf("CREATE FUNCTION app.one() RETURNS int LANGUAGE sql AS 'SELECT 1'")).references).toEqual([
        named("schema", "app"),
      ]);
    });

    it("references the first search_path schema for an unqualified name", async () => {
      expect((await factsOf("CREATE TYPE mood AS ENUM ('ok')")).references).toEqual([named("schema", "public")]);
    });

    it("references no system schema", async () => {
      expect((await factsOf("CREATE TABLE pg_temp.scratch (a int)")).references).toBeUndefined();
    });

    it("does not reference the schema of an object named under a table", async () => {
      expect((await factsOf("CREATE INDEX users_email ON app.users (email)")).references).toEqual([named("table", "app.users")]);
    });
  });

  describe("search_path", () => {
    it("qualifies created objects with the first schema and references with the whole path", async () => {
      expect(await factsOf("CREATE VIEW active AS SELECT * FROM users WHERE active", ["app", "public"])).toEqual(
        facts({
          kind: "create_view",
          creates: [named("view", "app.active")],
          references: [onPath("table", "app.users", ["app", "public"]), named("schema", "app")],
        }),
      );
    });

    it("changes for the statements after SET search_path in the same migration", async () => {
      const [before, set, after] = await analyzeSql(`
        SELECT * FROM users;
        SET search_path TO app, public;
        CREATE TABLE orders (user_id bigint REFERENCES users (id));
      `);
      expect(before).toEqual(facts({ kind: "select", references: [onPath("table", "public.users")] }));
      expect(set).toEqual(facts({ kind: "set" }));
      expect(after).toEqual(
        facts({
          kind: "create_table",
          creates: [
            named("table", "app.orders"),
            named("column", "app.orders.user_id"),
            named("constraint", "app.orders.orders_user_id_fkey"),
          ],
          references: [onPath("table", "app.users", ["app", "public"]), named("schema", "app")],
        }),
      );
    });

    it("creates in the first schema that is not $user, and keeps $user on the path", async () => {
      expect(await factsOf(`SET search_path = "$user", public; CREATE INDEX ON users (email)`)).toEqual(
        facts({
          kind: "create_index",
          creates: [named("index", "public.users_email_idx")],
          references: [onPath("table", "public.users", ["$user", "public"])],
        }),
      );
    });

    it("takes a quoted list, as pg_dump writes it", async () => {
      expect(
        (await factsOf("SELECT pg_catalog.set_config('search_path', '', false); SET search_path = 'app, billing'; SELECT * FROM t"))
          .references,
      ).toEqual([onPath("table", "app.t", ["app", "billing"])]);
    });
  });

  describe("references", () => {
    it("never references built-in functions or pg_catalog and information_schema relations", async () => {
      const sql = `SELECT count(*), now(), gen_random_uuid(), coalesce(max(relpages), 0), pg_catalog.lower('A')
        FROM pg_class JOIN pg_catalog.pg_namespace n ON n.oid = relnamespace, information_schema.tables`;
      expect(await factsOf(sql)).toEqual(facts({ kind: "select" }));
    });

    it("references names in other schemas by their qualified name, without a search path", async () => {
      expect(await factsOf("SELECT app.total(o.id) FROM app.orders o JOIN billing.invoices i ON i.order_id = o.id")).toEqual(
        facts({
          kind: "select",
          references: [named("function", "app.total"), named("table", "app.orders"), named("table", "billing.invoices")],
        }),
      );
    });

    it("references user functions and casts to user types", async () => {
      expect(await factsOf("SELECT slugify(title)::app.slug, 'happy'::mood FROM posts")).toEqual(
        facts({
          kind: "select",
          references: [
            onPath("function", "public.slugify"),
            named("type", "app.slug"),
            onPath("type", "public.mood"),
            onPath("table", "public.posts"),
          ],
        }),
      );
    });

    it("references the relations nextval, currval and setval name in a string", async () => {
      expect(await factsOf("SELECT nextval('orders_id_seq'), currval('\"Odd Seq\"'), setval('billing.invoice_numbers', 1)")).toEqual(
        facts({
          kind: "select",
          references: [
            onPath("table", "public.orders_id_seq"),
            onPath("table", "public.Odd Seq"),
            named("table", "billing.invoice_numbers"),
          ],
        }),
      );
    });

    it("references what a ::regclass, ::regprocedure or ::regtype string names", async () => {
      expect(await factsOf("SELECT 'users'::regclass, 'app.orders'::regclass, 'add_user(int)'::regprocedure, 'mood'::regtype")).toEqual(
        facts({
          kind: "select",
          references: [
            onPath("table", "public.users"),
            named("table", "app.orders"),
            onPath("function", "public.add_user"),
            onPath("type", "public.mood"),
          ],
        }),
      );
    });

    it("does not reference a system relation through ::regclass", async () => {
      expect(await factsOf("SELECT 'pg_class'::regclass, 'information_schema.tables'::regclass")).toEqual(facts({ kind: "select" }));
    });

    it("does not reference a CTE by its name, but does a qualified relation of the same name", async () => {
      expect(await factsOf("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent, public.recent")).toEqual(
        facts({ kind: "select", references: [onPath("table", "public.orders"), named("table", "public.recent")] }),
      );
    });

    it("does not reference an object the statement itself creates", async () => {
      const { references } = await factsOf("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree)");
      expect(references).toEqual([named("schema", "public")]);
    });
  });
});
