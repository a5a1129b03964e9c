import { describe, expect, it } from "vitest";
import { analyzeSql, facts, factsOf, named, onPath } from "../../../test/support/analyze-sql.js";

describe("CREATE FUNCTION and PROCEDURE", () => {
  it("names a function with its argument types, OUT parameters excluded", async () => {
    const sql = "CREATE FUNCTION f(a int, b text, OUT total bigint) LANGUAGE sql AS $$ SELECT count(*) FROM users WHERE email = b $$";
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "create_function",
        creates: [named("function", "public.f(int4, text)")],
        // check_function_bodies is on: PostgreSQL resolves an SQL body at once.
        references: [onPath("table", "public.users"), named("schema", "public")],
      }),
    );
  });

  it("keeps VARIADIC and INOUT parameters and argument types as written, and references types created elsewhere", async () => {
    const sql =
      "CREATE FUNCTION app.tag(m mood, VARIADIC tags text[], INOUT x billing.money2) RETURNS SETOF users LANGUAGE sql AS 'SELECT * FROM users'";
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "create_function",
        creates: [named("function", "app.tag(mood, text[], billing.money2)")],
        references: [
          onPath("type", "public.mood"),
          named("type", "billing.money2"),
          onPath("type", "public.users"), // SETOF users: a table's row type
          onPath("table", "public.users"),
          named("schema", "app"),
        ],
      }),
    );
  });

  it("excludes RETURNS TABLE columns from the signature", async () => {
    const { creates } = await factsOf(
      "CREATE FUNCTION totals(since date) RETURNS TABLE (day date, total numeric) LANGUAGE sql AS 'SELECT now()::date, 1'",
    );
    expect(creates).toEqual([named("function", "public.totals(date)")]);
  });

  it("only softly references an SQL body after SET check_function_bodies = off, until it is on again", async () => {
    const [, off, , on] = await analyzeSql(`
      SET check_function_bodies = off;
      CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
      SET check_function_bodies = on;
      CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
    `);
    expect(off).toEqual(
      facts({
        kind: "create_function",
        creates: [named("function", "public.user_count()")],
        references: [named("schema", "public")],
        softReferences: [onPath("table", "public.users")],
        tolerantCreate: true,
      }),
    );
    expect(on).toEqual(
      facts({
        kind: "create_function",
        creates: [named("function", "public.user_count()")],
        references: [onPath("table", "public.users"), named("schema", "public")],
        tolerantCreate: true,
      }),
    );
  });

  it("always resolves a BEGIN ATOMIC body", async () => {
    const sql =
      "SET check_function_bodies = off; CREATE FUNCTION ids() RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT id FROM users; END";
    expect((await factsOf(sql)).references).toEqual(
      facts({ references: [onPath("table", "public.users"), named("schema", "public")] }).references,
    );
  });

  it("only softly references what a PL/pgSQL body mentions", async () => {
    const sql = `CREATE FUNCTION add_user(email text) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE new_id bigint;
      BEGIN
        INSERT INTO users (email) VALUES (lower(email)) RETURNING id INTO new_id;
        INSERT INTO audit_log (message, at) VALUES ('added', now());
        PERFORM notify_admins(new_id);
        RETURN new_id;
      END $$`;
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "create_function",
        creates: [named("function", "public.add_user(text)")],
        references: [named("schema", "public")],
        softReferences: [onPath("table", "public.users"), onPath("table", "public.audit_log"), onPath("function", "public.notify_admins")],
      }),
    );
  });

  it("finds nothing to reference in a trigger function's assignments to NEW", async () => {
    const sql = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$";
    expect(await factsOf(sql)).toEqual(
      facts({ kind: "create_function", creates: [named("function", "public.touch()")], references: [named("schema", "public")] }),
    );
  });

  it("creates a procedure, whose SQL body is resolved", async () => {
    expect(
      await factsOf("CREATE PROCEDURE archive(before date) LANGUAGE sql AS $$ DELETE FROM orders WHERE created_at < before $$"),
    ).toEqual(
      facts({
        kind: "create_procedure",
        creates: [named("procedure", "public.archive(date)")],
        references: [onPath("table", "public.orders"), named("schema", "public")],
      }),
    );
  });

  it("references the procedure CALL runs", async () => {
    expect(await factsOf("CALL archive(now()::date)")).toEqual(facts({ kind: "call", references: [onPath("function", "public.archive")] }));
    expect(await factsOf("CALL ops.archive(cutoff())")).toEqual(
      facts({ kind: "call", references: [named("function", "ops.archive"), onPath("function", "public.cutoff")] }),
    );
  });
});

describe("CREATE TRIGGER", () => {
  it("creates the trigger under its table and references the table and the function", async () => {
    expect(await factsOf("CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()")).toEqual(
      facts({
        kind: "create_trigger",
        creates: [named("trigger", "public.users.users_touch")],
        references: [onPath("table", "public.users"), onPath("function", "public.touch")],
      }),
    );
  });

  it("uses the schemas written, tolerantly with OR REPLACE", async () => {
    expect(
      await factsOf("CREATE OR REPLACE TRIGGER log AFTER INSERT ON app.docs FOR EACH ROW EXECUTE PROCEDURE audit.log_change()"),
    ).toEqual(
      facts({
        kind: "create_trigger",
        creates: [named("trigger", "app.docs.log")],
        references: [named("table", "app.docs"), named("function", "audit.log_change")],
        tolerantCreate: true,
      }),
    );
  });
});

describe("CREATE POLICY", () => {
  it("references the table and the functions of USING and WITH CHECK, not built-ins", async () => {
    const sql = `CREATE POLICY own_orders ON orders FOR ALL TO app_user
      USING (user_id = current_user_id() AND tenant_id = auth.tenant() AND created_at < now())
      WITH CHECK (can_write(id) AND owner = current_user)`;
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "create_policy",
        creates: [named("policy", "public.orders.own_orders")],
        references: [
          onPath("table", "public.orders"),
          onPath("function", "public.current_user_id"),
          named("function", "auth.tenant"),
          onPath("function", "public.can_write"),
          named("role", "app_user"),
        ],
      }),
    );
  });

  it("references the roles it applies to, not PUBLIC, CURRENT_USER or SESSION_USER", async () => {
    expect(await factsOf("CREATE POLICY p ON app.orders TO app_r, public, current_user, session_user USING (true)")).toEqual(
      facts({
        kind: "create_policy",
        creates: [named("policy", "app.orders.p")],
        references: [named("table", "app.orders"), named("role", "app_r")],
      }),
    );
  });

  it("alters a policy", async () => {
    expect(await factsOf("ALTER POLICY own_orders ON app.orders USING (true)")).toEqual(
      facts({ kind: "alter_policy", alters: [named("policy", "app.orders.own_orders")], references: [named("table", "app.orders")] }),
    );
    expect(await factsOf("ALTER POLICY own_orders ON app.orders TO app_r")).toEqual(
      facts({
        kind: "alter_policy",
        alters: [named("policy", "app.orders.own_orders")],
        references: [named("table", "app.orders"), named("role", "app_r")],
      }),
    );
  });
});

describe("DO blocks", () => {
  it("creates what its SQL creates, tolerantly, and only softly references what it mentions", async () => {
    const sql = `DO $$
      BEGIN
        CREATE TABLE made (id int);
        INSERT INTO audit_log VALUES ('made');
        EXECUTE 'CREATE TABLE dynamic_' || to_char(now(), 'YYYY') || ' (x int)';
      END $$`;
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "do",
        creates: [named("table", "public.made"), named("column", "public.made.id")],
        softReferences: [named("schema", "public"), onPath("table", "public.audit_log")],
        tolerantCreate: true,
      }),
    );
  });

  it("guards a creation with a catalog query that references nothing", async () => {
    const sql =
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN CREATE TYPE mood AS ENUM ('ok'); END IF; END $$";
    expect(await factsOf(sql)).toEqual(
      facts({ kind: "do", creates: [named("enum", "public.mood")], softReferences: [named("schema", "public")], tolerantCreate: true }),
    );
  });

  it("drops what its SQL drops, tolerantly", async () => {
    expect(await factsOf("DO $$ BEGIN DROP TABLE old_orders; CREATE INDEX IF NOT EXISTS users_email ON users (email); END $$")).toEqual(
      facts({
        kind: "do",
        creates: [named("index", "public.users_email")],
        drops: [named("table", "public.old_orders")],
        softReferences: [onPath("table", "public.old_orders"), onPath("table", "public.users")],
        tolerantCreate: true,
        tolerantDrop: true,
      }),
    );
  });

  it("does not look into a block in another language", async () => {
    expect(await factsOf("DO LANGUAGE plperl $$ spi_exec_query('CREATE TABLE t (a int)') $$")).toEqual(facts({ kind: "do" }));
  });
});
