import { describe, expect, it } from "vitest";
import {
  aggregateSnapshot,
  columnSnapshot,
  constraintSnapshot,
  emptySnapshot,
  foreignKeySnapshot,
  functionSnapshot,
  indexSnapshot,
  policySnapshot,
  tableSnapshot,
  viewSnapshot,
} from "../../test/support/snapshot-builders.js";
import type { FunctionSnapshot, SequenceSnapshot, TableSnapshot } from "../model/snapshot.js";
import { generateDiffSql } from "./generate-diff-sql.js";

const users = tableSnapshot("users", {
  columns: [
    columnSnapshot("id", 1, "bigint", { not_null: true, identity: "always" }),
    columnSnapshot("email", 2, "text", { not_null: true }),
  ],
  constraints: [constraintSnapshot("users_pkey", "primary key", ["id"], { definition: "PRIMARY KEY (id)" })],
  indexes: [
    indexSnapshot("users_pkey", "CREATE UNIQUE INDEX users_pkey ON app.users USING btree (id)", {
      is_unique: true,
      is_primary: true,
      constraint: "users_pkey",
    }),
    indexSnapshot("users_email_idx", "CREATE INDEX users_email_idx ON app.users USING btree (email)"),
  ],
});
const posts = tableSnapshot("posts", {
  columns: [columnSnapshot("id", 1, "bigint"), columnSnapshot("user_id", 2, "bigint")],
  constraints: [
    constraintSnapshot("posts_user_id_fkey", "foreign key", ["user_id"], {
      definition: "FOREIGN KEY (user_id) REFERENCES app.users(id)",
      foreign_key: foreignKeySnapshot("app.users", ["id"]),
    }),
  ],
  policies: [policySnapshot("own", { command: "select", using: "(user_id = 1)" })],
  rls: { enabled: true, forced: false },
});

describe("generateDiffSql", () => {
  it("returns nothing for equal snapshots", () => {
    expect(generateDiffSql(emptySnapshot({ tables: [users] }), emptySnapshot({ tables: [users] }))).toEqual([]);
  });

  it("creates schemas, tables, keys, indexes, then foreign keys, RLS and policies", () => {
    const statements = generateDiffSql(emptySnapshot({ schemas: [] }), emptySnapshot({ tables: [posts, users] }));
    const at = (prefix: string) => statements.findIndex((statement) => statement.startsWith(prefix));
    expect(statements[0]).toBe('CREATE SCHEMA "app";');
    expect(statements).toContain(
      'CREATE TABLE "app"."users" (\n  "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n  "email" text NOT NULL\n);',
    );
    expect(at('ALTER TABLE "app"."users" ADD CONSTRAINT "users_pkey"')).toBeGreaterThan(at('CREATE TABLE "app"."users"'));
    expect(statements).toContain("CREATE INDEX IF NOT EXISTS users_email_idx ON app.users USING btree (email);");
    expect(statements).not.toContain("CREATE UNIQUE INDEX IF NOT EXISTS users_pkey ON app.users USING btree (id);");
    expect(at('ALTER TABLE "app"."posts" ADD CONSTRAINT "posts_user_id_fkey"')).toBeGreaterThan(at('CREATE TABLE "app"."users"'));
    expect(at('ALTER TABLE "app"."posts" ADD CONSTRAINT "posts_user_id_fkey"')).toBeGreaterThan(
      at('ALTER TABLE "app"."users" ADD CONSTRAINT'),
    );
    expect(statements).toContain('ALTER TABLE "app"."posts" ENABLE ROW LEVEL SECURITY;');
    expect(statements).toContain('CREATE POLICY "own" ON "app"."posts" AS PERMISSIVE FOR SELECT TO PUBLIC USING ((user_id = 1));');
  });

  it("creates a view after the views it names, whatever their names", () => {
    const base = viewSnapshot("z_base", " SELECT users.id\n   FROM app.users;");
    const top = viewSnapshot("a_top", " SELECT z_base.id\n   FROM app.z_base;");
    const statements = generateDiffSql(emptySnapshot(), emptySnapshot({ tables: [users], views: [top, base] }));
    const base_at = statements.findIndex((s) => s.startsWith('CREATE VIEW "app"."z_base"'));
    const top_at = statements.findIndex((s) => s.startsWith('CREATE VIEW "app"."a_top"'));
    expect(base_at).toBeGreaterThan(-1);
    expect(top_at).toBeGreaterThan(base_at);
  });

  it("marks drops destructive, dependants first, and leaves them out when safe", () => {
    const from = emptySnapshot({ tables: [posts, users], views: [viewSnapshot("v", " SELECT users.id\n   FROM app.users;")] });
    const statements = generateDiffSql(from, emptySnapshot());
    expect(statements).toEqual([
      '-- destructive: view app.v\nDROP VIEW "app"."v";',
      '-- destructive: constraint posts_user_id_fkey on app.posts\nALTER TABLE "app"."posts" DROP CONSTRAINT "posts_user_id_fkey";',
      '-- destructive: table app.posts and its data\nDROP TABLE "app"."posts";',
      '-- destructive: table app.users and its data\nDROP TABLE "app"."users";',
    ]);
    expect(generateDiffSql(from, emptySnapshot(), { safe: true })).toEqual([]);
  });

  it("alters columns and recreates a changed policy", () => {
    const before = tableSnapshot("t", {
      columns: [columnSnapshot("a", 1, "integer"), columnSnapshot("gone", 2, "text")],
      policies: posts.policies,
    });
    const after = tableSnapshot("t", {
      columns: [columnSnapshot("a", 1, "bigint", { not_null: true, default: "0" }), columnSnapshot("added", 3, "text")],
      policies: [{ ...posts.policies[0], using: "(user_id = 2)" } as TableSnapshot["policies"][number]],
    });
    const statements = generateDiffSql(emptySnapshot({ tables: [before] }), emptySnapshot({ tables: [after] }));
    expect(statements).toEqual([
      'DROP POLICY "own" ON "app"."t";',
      '-- destructive: column app.t.gone and its data\nALTER TABLE "app"."t" DROP COLUMN "gone";',
      'ALTER TABLE "app"."t" ALTER COLUMN "a" TYPE bigint USING "a"::bigint;',
      'ALTER TABLE "app"."t" ALTER COLUMN "a" SET DEFAULT 0;',
      'ALTER TABLE "app"."t" ALTER COLUMN "a" SET NOT NULL;',
      'ALTER TABLE "app"."t" ADD COLUMN "added" text;',
      'CREATE POLICY "own" ON "app"."t" AS PERMISSIVE FOR SELECT TO PUBLIC USING ((user_id = 2));',
    ]);
  });

  it("adds a generated column again only when its expression or a source column's type changes", () => {
    const pages = (amount: string, total: string) =>
      tableSnapshot("pages", {
        columns: [
          columnSnapshot("amount", 1, amount),
          columnSnapshot("note", 2, "text"),
          columnSnapshot("total", 3, "numeric", { generated: { kind: "stored", expression: total } }),
        ],
      });
    const unrelated = pages("integer", "(amount * 2)");
    unrelated.columns[1] = columnSnapshot("note", 2, "character varying(10)");
    expect(generateDiffSql(emptySnapshot({ tables: [pages("integer", "(amount * 2)")] }), emptySnapshot({ tables: [unrelated] }))).toEqual([
      'ALTER TABLE "app"."pages" ALTER COLUMN "note" TYPE character varying(10) USING "note"::character varying(10);',
    ]);
    expect(
      generateDiffSql(
        emptySnapshot({ tables: [pages("integer", "(amount * 2)")] }),
        emptySnapshot({ tables: [pages("integer", "(amount * 3)")] }),
      ),
    ).toEqual([
      'ALTER TABLE "app"."pages" DROP COLUMN "total";',
      'ALTER TABLE "app"."pages" ADD COLUMN "total" numeric GENERATED ALWAYS AS ((amount * 3)) STORED;',
    ]);
    expect(
      generateDiffSql(
        emptySnapshot({ tables: [pages("integer", "(amount * 2)")] }),
        emptySnapshot({ tables: [pages("bigint", "(amount * 2)")] }),
      ),
    ).toEqual([
      'ALTER TABLE "app"."pages" DROP COLUMN "total";',
      'ALTER TABLE "app"."pages" ALTER COLUMN "amount" TYPE bigint USING "amount"::bigint;',
      'ALTER TABLE "app"."pages" ADD COLUMN "total" numeric GENERATED ALWAYS AS ((amount * 2)) STORED;',
    ]);
  });

  it("creates functions with bodies unchecked, and revokes the default EXECUTE to PUBLIC", () => {
    const fn = functionSnapshot("f", {
      result: "integer",
      volatility: "immutable",
      body: "SELECT 1",
      definition: "CREATE OR REPLACE FUNCTION app.f()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT 1$function$\n",
      comment: "one",
    });
    expect(generateDiffSql(emptySnapshot(), emptySnapshot({ functions: [fn] }))).toEqual([
      "SET check_function_bodies = off;",
      "CREATE OR REPLACE FUNCTION app.f()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT 1$function$;",
      "REVOKE EXECUTE ON FUNCTION app.f() FROM PUBLIC;",
      "COMMENT ON FUNCTION app.f() IS 'one';",
    ]);
  });

  it("creates an aggregate after its support function, and drops it before", () => {
    const step = routine("step", "app.step(bigint,integer)", "bigint, integer", {
      definition:
        "CREATE OR REPLACE FUNCTION app.step(bigint, integer)\n RETURNS bigint\n LANGUAGE sql\nAS $function$SELECT $1 + $2$function$\n",
    });
    const total = routine("a_total", "app.a_total(integer)", "integer", {
      kind: "aggregate",
      parallel: "safe",
      aggregate: aggregateSnapshot("app.step(bigint,integer)", "bigint", {
        combine_function: "int8pl(bigint,bigint)",
        initial_condition: "0",
      }),
    });
    const statements = generateDiffSql(emptySnapshot(), emptySnapshot({ functions: [total, step] }));
    const createAggregate =
      'CREATE AGGREGATE "app"."a_total"(integer) (\n  SFUNC = app.step,\n  STYPE = bigint,\n  FINALFUNC_MODIFY = READ_ONLY,\n' +
      "  COMBINEFUNC = int8pl,\n  INITCOND = '0',\n  PARALLEL = SAFE\n);";
    expect(statements.indexOf(createAggregate)).toBeGreaterThan(statements.findIndex((s) => s.includes("FUNCTION app.step(")));
    expect(generateDiffSql(emptySnapshot({ functions: [total, step] }), emptySnapshot())).toEqual([
      "-- destructive: aggregate app.a_total(integer)\nDROP AGGREGATE app.a_total(integer);",
      "-- destructive: function app.step(bigint,integer)\nDROP FUNCTION app.step(bigint,integer);",
    ]);
    const changed = { ...total, aggregate: { ...(total.aggregate as NonNullable<FunctionSnapshot["aggregate"]>), initial_condition: "1" } };
    expect(generateDiffSql(emptySnapshot({ functions: [total, step] }), emptySnapshot({ functions: [changed, step] }))).toEqual([
      createAggregate.replace("CREATE AGGREGATE", "CREATE OR REPLACE AGGREGATE").replace("'0'", "'1'"),
    ]);
  });

  it("writes (*) for an aggregate without arguments where the aggregate grammar wants it", () => {
    const count = routine("n", "app.n()", "", { kind: "aggregate", comment: "how many" });
    const withDefinition: FunctionSnapshot = {
      ...count,
      aggregate: aggregateSnapshot("int8inc(bigint)", "bigint", { initial_condition: "0", sort_operator: "pg_catalog.<" }),
    };
    expect(generateDiffSql(emptySnapshot(), emptySnapshot({ functions: [withDefinition] }))).toEqual([
      "SET check_function_bodies = off;",
      'CREATE AGGREGATE "app"."n"(*) (\n  SFUNC = int8inc,\n  STYPE = bigint,\n  FINALFUNC_MODIFY = READ_ONLY,\n' +
        "  INITCOND = '0',\n  SORTOP = OPERATOR(pg_catalog.<)\n);",
      "REVOKE EXECUTE ON FUNCTION app.n() FROM PUBLIC;",
      "COMMENT ON AGGREGATE app.n(*) IS 'how many';",
    ]);
    // A snapshot written before aggregates were read cannot make one: nothing is said about it.
    expect(generateDiffSql(emptySnapshot(), emptySnapshot({ functions: [count] }))).toEqual(["SET check_function_bodies = off;"]);
  });

  it("gives objects their owners before OWNED BY and grants, and back to the database's owner", () => {
    const sequence: SequenceSnapshot = {
      schema: "app",
      name: "t_id_seq",
      owner: "app_admin",
      type: "integer",
      start: "1",
      increment: "1",
      min: "1",
      max: "2147483647",
      cache: "1",
      cycle: false,
      persistence: "permanent",
      owned_by: "app.t.id",
      grants: [],
      comment: null,
    };
    const owned = tableSnapshot("t", {
      owner: "app_admin",
      columns: [columnSnapshot("id", 1, "integer", { default: "nextval('app.t_id_seq'::regclass)" })],
      grants: [{ grantee: "reader", privilege: "SELECT", grantable: false }],
    });
    const statements = generateDiffSql(emptySnapshot(), emptySnapshot({ sequences: [sequence], tables: [owned] }));
    const at = (prefix: string) => statements.findIndex((statement) => statement.startsWith(prefix));
    expect(at('ALTER TABLE "app"."t" OWNER TO "app_admin";')).toBeGreaterThan(at('CREATE TABLE "app"."t"'));
    expect(at('ALTER SEQUENCE "app"."t_id_seq" OWNER TO "app_admin";')).toBeGreaterThan(-1);
    expect(at('ALTER SEQUENCE "app"."t_id_seq" OWNED BY app.t.id;')).toBeGreaterThan(at('ALTER SEQUENCE "app"."t_id_seq" OWNER TO'));
    expect(at('GRANT SELECT ON TABLE "app"."t" TO "reader";')).toBeGreaterThan(at('ALTER TABLE "app"."t" OWNER TO'));

    // The new owner's grants become its owner rights: nothing to revoke. The sequence follows its table.
    const before = emptySnapshot({ sequences: [{ ...sequence, owner: "reader" }], tables: [{ ...owned, owner: undefined }] });
    const after = emptySnapshot({ sequences: [{ ...sequence, owner: "reader" }], tables: [{ ...owned, owner: "reader", grants: [] }] });
    expect(generateDiffSql(before, after)).toEqual(['ALTER TABLE "app"."t" OWNER TO "reader";']);
    expect(generateDiffSql(after, { ...after, tables: [{ ...owned, owner: undefined, grants: [] }] })).toEqual([
      `DO $drydock$BEGIN EXECUTE 'ALTER TABLE "app"."t" OWNER TO ' || pg_catalog.quote_ident((SELECT pg_catalog.pg_get_userbyid(d.datdba) FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())); END$drydock$;`,
    ]);
  });
});

/** An immutable SQL routine returning bigint, with an empty body and no definition. */
function routine(name: string, signature: string, args: string, overrides: Partial<FunctionSnapshot> = {}): FunctionSnapshot {
  return functionSnapshot(name, { signature, arguments: args, result: "bigint", volatility: "immutable", ...overrides });
}
