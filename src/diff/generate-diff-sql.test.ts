import { describe, expect, it } from "vitest";
import type { ColumnSnapshot, FunctionSnapshot, SequenceSnapshot, Snapshot, TableSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { snapshotFormat } from "../model/snapshot.js";
import { generateDiffSql } from "./generate-diff-sql.js";

function snapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    format: snapshotFormat,
    source: { engine: "postgres", server_version: "15.4", server_version_num: 150004, schemas: ["app"] },
    schemas: [{ name: "app", grants: [], comment: null }],
    extensions: [],
    types: [],
    sequences: [],
    tables: [],
    views: [],
    functions: [],
    statistics: { relations: [], total_size_bytes: 0 },
    ...parts,
  };
}

function column(name: string, position: number, type: string, extra: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return {
    name,
    position,
    type,
    not_null: false,
    default: null,
    identity: null,
    generated: null,
    collation: null,
    grants: [],
    comment: null,
    ...extra,
  };
}

function table(name: string, extra: Partial<TableSnapshot> = {}): TableSnapshot {
  return {
    schema: "app",
    name,
    kind: "table",
    persistence: "permanent",
    rls: { enabled: false, forced: false },
    partitioning: null,
    partition_of: null,
    inherits: [],
    options: [],
    columns: [column("id", 1, "bigint", { not_null: true, identity: "always" })],
    constraints: [],
    indexes: [],
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
    ...extra,
  };
}

function view(name: string, definition: string): ViewSnapshot {
  return {
    schema: "app",
    name,
    kind: "view",
    definition,
    options: [],
    is_populated: null,
    columns: [],
    indexes: [],
    triggers: [],
    grants: [],
    comment: null,
  };
}

const users = table("users", {
  columns: [column("id", 1, "bigint", { not_null: true, identity: "always" }), column("email", 2, "text", { not_null: true })],
  constraints: [
    {
      name: "users_pkey",
      type: "primary key",
      definition: "PRIMARY KEY (id)",
      columns: ["id"],
      is_valid: true,
      deferrable: false,
      initially_deferred: false,
      foreign_key: null,
      comment: null,
    },
  ],
  indexes: [
    {
      name: "users_pkey",
      definition: "CREATE UNIQUE INDEX users_pkey ON app.users USING btree (id)",
      method: "btree",
      is_unique: true,
      is_primary: true,
      is_valid: true,
      predicate: null,
      constraint: "users_pkey",
      comment: null,
    },
    {
      name: "users_email_idx",
      definition: "CREATE INDEX users_email_idx ON app.users USING btree (email)",
      method: "btree",
      is_unique: false,
      is_primary: false,
      is_valid: true,
      predicate: null,
      constraint: null,
      comment: null,
    },
  ],
});
const posts = table("posts", {
  columns: [column("id", 1, "bigint"), column("user_id", 2, "bigint")],
  constraints: [
    {
      name: "posts_user_id_fkey",
      type: "foreign key",
      definition: "FOREIGN KEY (user_id) REFERENCES app.users(id)",
      columns: ["user_id"],
      is_valid: true,
      deferrable: false,
      initially_deferred: false,
      foreign_key: { table: "app.users", columns: ["id"], on_update: "no action", on_delete: "no action", match: "simple" },
      comment: null,
    },
  ],
  policies: [
    { name: "own", command: "select", mode: "permissive", roles: ["public"], using: "(user_id = 1)", with_check: null, comment: null },
  ],
  rls: { enabled: true, forced: false },
});

describe("generateDiffSql", () => {
  it("returns nothing for equal snapshots", () => {
    expect(generateDiffSql(snapshot({ tables: [users] }), snapshot({ tables: [users] }))).toEqual([]);
  });

  it("creates schemas, tables, keys, indexes, then foreign keys, RLS and policies", () => {
    const statements = generateDiffSql(snapshot({ schemas: [] }), snapshot({ tables: [posts, users] }));
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
    const base = view("z_base", " SELECT users.id\n   FROM app.users;");
    const top = view("a_top", " SELECT z_base.id\n   FROM app.z_base;");
    const statements = generateDiffSql(snapshot(), snapshot({ tables: [users], views: [top, base] }));
    const base_at = statements.findIndex((s) => s.startsWith('CREATE VIEW "app"."z_base"'));
    const top_at = statements.findIndex((s) => s.startsWith('CREATE VIEW "app"."a_top"'));
    expect(base_at).toBeGreaterThan(-1);
    expect(top_at).toBeGreaterThan(base_at);
  });

  it("marks drops destructive, dependants first, and leaves them out when safe", () => {
    const from = snapshot({ tables: [posts, users], views: [view("v", " SELECT users.id\n   FROM app.users;")] });
    const statements = generateDiffSql(from, snapshot());
    expect(statements).toEqual([
      '-- destructive: view app.v\nDROP VIEW "app"."v";',
      '-- destructive: constraint posts_user_id_fkey on app.posts\nALTER TABLE "app"."posts" DROP CONSTRAINT "posts_user_id_fkey";',
      '-- destructive: table app.posts and its data\nDROP TABLE "app"."posts";',
      '-- destructive: table app.users and its data\nDROP TABLE "app"."users";',
    ]);
    expect(generateDiffSql(from, snapshot(), { safe: true })).toEqual([]);
  });

  it("alters columns and recreates a changed policy", () => {
    const before = table("t", { columns: [column("a", 1, "integer"), column("gone", 2, "text")], policies: posts.policies });
    const after = table("t", {
      columns: [column("a", 1, "bigint", { not_null: true, default: "0" }), column("added", 3, "text")],
      policies: [{ ...posts.policies[0], using: "(user_id = 2)" } as TableSnapshot["policies"][number]],
    });
    const statements = generateDiffSql(snapshot({ tables: [before] }), snapshot({ tables: [after] }));
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
      table("pages", {
        columns: [
          column("amount", 1, amount),
          column("note", 2, "text"),
          column("total", 3, "numeric", { generated: { kind: "stored", expression: total } }),
        ],
      });
    const unrelated = pages("integer", "(amount * 2)");
    unrelated.columns[1] = column("note", 2, "character varying(10)");
    expect(generateDiffSql(snapshot({ tables: [pages("integer", "(amount * 2)")] }), snapshot({ tables: [unrelated] }))).toEqual([
      'ALTER TABLE "app"."pages" ALTER COLUMN "note" TYPE character varying(10) USING "note"::character varying(10);',
    ]);
    expect(
      generateDiffSql(snapshot({ tables: [pages("integer", "(amount * 2)")] }), snapshot({ tables: [pages("integer", "(amount * 3)")] })),
    ).toEqual([
      'ALTER TABLE "app"."pages" DROP COLUMN "total";',
      'ALTER TABLE "app"."pages" ADD COLUMN "total" numeric GENERATED ALWAYS AS ((amount * 3)) STORED;',
    ]);
    expect(
      generateDiffSql(snapshot({ tables: [pages("integer", "(amount * 2)")] }), snapshot({ tables: [pages("bigint", "(amount * 2)")] })),
    ).toEqual([
      'ALTER TABLE "app"."pages" DROP COLUMN "total";',
      'ALTER TABLE "app"."pages" ALTER COLUMN "amount" TYPE bigint USING "amount"::bigint;',
      'ALTER TABLE "app"."pages" ADD COLUMN "total" numeric GENERATED ALWAYS AS ((amount * 2)) STORED;',
    ]);
  });

  it("creates functions with bodies unchecked, and revokes the default EXECUTE to PUBLIC", () => {
    const fn = {
      schema: "app",
      name: "f",
      signature: "app.f()",
      arguments: "",
      kind: "function" as const,
      result: "integer",
      language: "sql",
      volatility: "immutable" as const,
      security_definer: false,
      strict: false,
      leakproof: false,
      parallel: "unsafe" as const,
      search_path: null,
      config: [],
      body: "SELECT 1",
      definition: "CREATE OR REPLACE FUNCTION app.f()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT 1$function$\n",
      grants: [],
      comment: "one",
    };
    expect(generateDiffSql(snapshot(), snapshot({ functions: [fn] }))).toEqual([
      "SET check_function_bodies = off;",
      "CREATE OR REPLACE FUNCTION app.f()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT 1$function$;",
      "REVOKE EXECUTE ON FUNCTION app.f() FROM PUBLIC;",
      "COMMENT ON FUNCTION app.f() IS 'one';",
    ]);
  });

  it("creates an aggregate after its support function, and drops it before", () => {
    const step: FunctionSnapshot = {
      ...routine("step", "app.step(bigint,integer)", "bigint, integer"),
      definition:
        "CREATE OR REPLACE FUNCTION app.step(bigint, integer)\n RETURNS bigint\n LANGUAGE sql\nAS $function$SELECT $1 + $2$function$\n",
    };
    const total: FunctionSnapshot = {
      ...routine("a_total", "app.a_total(integer)", "integer"),
      kind: "aggregate",
      parallel: "safe",
      aggregate: {
        kind: "normal",
        transition_function: "app.step(bigint,integer)",
        state_type: "bigint",
        state_space: 0,
        final_function: null,
        final_extra: false,
        final_modify: "read only",
        combine_function: "int8pl(bigint,bigint)",
        serial_function: null,
        deserial_function: null,
        initial_condition: "0",
        moving: null,
        sort_operator: null,
      },
    };
    const statements = generateDiffSql(snapshot(), snapshot({ functions: [total, step] }));
    const createAggregate =
      'CREATE AGGREGATE "app"."a_total"(integer) (\n  SFUNC = app.step,\n  STYPE = bigint,\n  FINALFUNC_MODIFY = READ_ONLY,\n' +
      "  COMBINEFUNC = int8pl,\n  INITCOND = '0',\n  PARALLEL = SAFE\n);";
    expect(statements.indexOf(createAggregate)).toBeGreaterThan(statements.findIndex((s) => s.includes("FUNCTION app.step(")));
    expect(generateDiffSql(snapshot({ functions: [total, step] }), snapshot())).toEqual([
      "-- destructive: aggregate app.a_total(integer)\nDROP AGGREGATE app.a_total(integer);",
      "-- destructive: function app.step(bigint,integer)\nDROP FUNCTION app.step(bigint,integer);",
    ]);
    const changed = { ...total, aggregate: { ...(total.aggregate as NonNullable<FunctionSnapshot["aggregate"]>), initial_condition: "1" } };
    expect(generateDiffSql(snapshot({ functions: [total, step] }), snapshot({ functions: [changed, step] }))).toEqual([
      createAggregate.replace("CREATE AGGREGATE", "CREATE OR REPLACE AGGREGATE").replace("'0'", "'1'"),
    ]);
  });

  it("writes (*) for an aggregate without arguments where the aggregate grammar wants it", () => {
    const count: FunctionSnapshot = { ...routine("n", "app.n()", ""), kind: "aggregate", comment: "how many" };
    const withDefinition: FunctionSnapshot = {
      ...count,
      aggregate: {
        kind: "normal",
        transition_function: "int8inc(bigint)",
        state_type: "bigint",
        state_space: 0,
        final_function: null,
        final_extra: false,
        final_modify: "read only",
        combine_function: null,
        serial_function: null,
        deserial_function: null,
        initial_condition: "0",
        moving: null,
        sort_operator: "pg_catalog.<",
      },
    };
    expect(generateDiffSql(snapshot(), snapshot({ functions: [withDefinition] }))).toEqual([
      "SET check_function_bodies = off;",
      'CREATE AGGREGATE "app"."n"(*) (\n  SFUNC = int8inc,\n  STYPE = bigint,\n  FINALFUNC_MODIFY = READ_ONLY,\n' +
        "  INITCOND = '0',\n  SORTOP = OPERATOR(pg_catalog.<)\n);",
      "REVOKE EXECUTE ON FUNCTION app.n() FROM PUBLIC;",
      "COMMENT ON AGGREGATE app.n(*) IS 'how many';",
    ]);
    // A snapshot written before aggregates were read cannot make one: nothing is said about it.
    expect(generateDiffSql(snapshot(), snapshot({ functions: [count] }))).toEqual(["SET check_function_bodies = off;"]);
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
    const owned = table("t", {
      owner: "app_admin",
      columns: [column("id", 1, "integer", { default: "nextval('app.t_id_seq'::regclass)" })],
      grants: [{ grantee: "reader", privilege: "SELECT", grantable: false }],
    });
    const statements = generateDiffSql(snapshot(), snapshot({ sequences: [sequence], tables: [owned] }));
    const at = (prefix: string) => statements.findIndex((statement) => statement.startsWith(prefix));
    expect(at('ALTER TABLE "app"."t" OWNER TO "app_admin";')).toBeGreaterThan(at('CREATE TABLE "app"."t"'));
    expect(at('ALTER SEQUENCE "app"."t_id_seq" OWNER TO "app_admin";')).toBeGreaterThan(-1);
    expect(at('ALTER SEQUENCE "app"."t_id_seq" OWNED BY app.t.id;')).toBeGreaterThan(at('ALTER SEQUENCE "app"."t_id_seq" OWNER TO'));
    expect(at('GRANT SELECT ON TABLE "app"."t" TO "reader";')).toBeGreaterThan(at('ALTER TABLE "app"."t" OWNER TO'));

    // The new owner's grants become its owner rights: nothing to revoke. The sequence follows its table.
    const before = snapshot({ sequences: [{ ...sequence, owner: "reader" }], tables: [{ ...owned, owner: undefined }] });
    const after = snapshot({ sequences: [{ ...sequence, owner: "reader" }], tables: [{ ...owned, owner: "reader", grants: [] }] });
    expect(generateDiffSql(before, after)).toEqual(['ALTER TABLE "app"."t" OWNER TO "reader";']);
    expect(generateDiffSql(after, { ...after, tables: [{ ...owned, owner: undefined, grants: [] }] })).toEqual([
      `DO $drydock$BEGIN EXECUTE 'ALTER TABLE "app"."t" OWNER TO ' || pg_catalog.quote_ident((SELECT pg_catalog.pg_get_userbyid(d.datdba) FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())); END$drydock$;`,
    ]);
  });
});

function routine(name: string, signature: string, args: string): FunctionSnapshot {
  return {
    schema: "app",
    name,
    signature,
    arguments: args,
    kind: "function",
    result: "bigint",
    language: "sql",
    volatility: "immutable",
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
