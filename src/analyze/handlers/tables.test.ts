import { describe, expect, it } from "vitest";
import { facts, factsOf, named, onPath } from "../../../test/support/analyze-sql.js";

describe("CREATE TABLE", () => {
  it("creates the table, its columns, the sequences of serial and identity columns and the indexes of keys", async () => {
    const sql = `CREATE TABLE users (
      id serial PRIMARY KEY,
      number bigint GENERATED ALWAYS AS IDENTITY,
      email text NOT NULL UNIQUE,
      org_id bigint REFERENCES orgs (id),
      mood mood,
      created_at timestamptz NOT NULL DEFAULT now(),
      token uuid DEFAULT gen_random_uuid(),
      score numeric(10, 2) CHECK (score >= 0)
    )`;
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "create_table",
        creates: [
          named("table", "public.users"),
          named("column", "public.users.id"),
          named("sequence", "public.users_id_seq"),
          named("constraint", "public.users.users_pkey"),
          named("index", "public.users_pkey"),
          named("column", "public.users.number"),
          named("sequence", "public.users_number_seq"),
          named("column", "public.users.email"),
          named("constraint", "public.users.users_email_key"),
          named("index", "public.users_email_key"),
          named("column", "public.users.org_id"),
          named("constraint", "public.users.users_org_id_fkey"),
          named("column", "public.users.mood"),
          named("column", "public.users.created_at"),
          named("column", "public.users.token"),
          named("column", "public.users.score"),
          named("constraint", "public.users.users_score_check"),
        ],
        // The enum created elsewhere and the foreign key's target; built-in types and functions are not references.
        references: [onPath("type", "public.mood"), onPath("table", "public.orgs"), named("schema", "public")],
      }),
    );
  });

  it("names table constraints as PostgreSQL does", async () => {
    // Names checked against PostgreSQL 15: a CHECK carries its column only when its expression uses exactly one.
    const sql = `CREATE TABLE t (
      a int, b int CHECK (b > a), c int, d int CHECK (d > 0),
      PRIMARY KEY (a, b), UNIQUE (b, c), FOREIGN KEY (c, d) REFERENCES billing.accounts (x, y),
      CHECK (c > 0 AND c < 10), CHECK (a < c), CONSTRAINT positive CHECK (a > 0),
      EXCLUDE USING btree (c WITH =, (a + 1) WITH =)
    )`;
    expect((await factsOf(sql)).creates?.filter((ref) => ref.kind === "constraint" || ref.kind === "index")).toEqual(
      facts({
        creates: [
          named("constraint", "public.t.t_check"),
          named("constraint", "public.t.t_d_check"),
          named("constraint", "public.t.t_pkey"),
          named("index", "public.t_pkey"),
          named("constraint", "public.t.t_b_c_key"),
          named("index", "public.t_b_c_key"),
          named("constraint", "public.t.t_c_d_fkey"),
          named("constraint", "public.t.t_c_check"),
          named("constraint", "public.t.positive"),
          named("constraint", "public.t.t_c_expr_excl"),
          named("index", "public.t_c_expr_excl"),
        ],
      }).creates,
    );
  });

  it("references a foreign key's target in another schema by its qualified name", async () => {
    expect(await factsOf("CREATE TABLE t (a int REFERENCES billing.accounts)")).toEqual(
      facts({
        kind: "create_table",
        creates: [named("table", "public.t"), named("column", "public.t.a"), named("constraint", "public.t.t_a_fkey")],
        references: [named("table", "billing.accounts"), named("schema", "public")],
      }),
    );
  });

  it("does not reference itself through a self-referencing foreign key", async () => {
    const { references } = await factsOf("CREATE TABLE nodes (id int PRIMARY KEY, parent_id int REFERENCES nodes (id))");
    expect(references).toEqual([named("schema", "public")]);
  });

  it("is tolerant with IF NOT EXISTS", async () => {
    expect(await factsOf("CREATE TABLE IF NOT EXISTS t (a int)")).toEqual(
      facts({
        kind: "create_table",
        creates: [named("table", "public.t"), named("column", "public.t.a")],
        references: [named("schema", "public")],
        tolerantCreate: true,
      }),
    );
  });

  it("references the parent of a partition", async () => {
    expect(await factsOf("CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")).toEqual(
      facts({
        kind: "create_table_partition",
        creates: [named("table", "public.events_2024")],
        references: [onPath("table", "public.events"), named("schema", "public")],
      }),
    );
  });

  it("references the table it copies with LIKE", async () => {
    expect(await factsOf("CREATE TABLE users_archive (LIKE users INCLUDING ALL, archived_at timestamptz)")).toEqual(
      facts({
        kind: "create_table",
        creates: [named("table", "public.users_archive"), named("column", "public.users_archive.archived_at")],
        references: [onPath("table", "public.users"), named("schema", "public")],
      }),
    );
  });

  it("creates a table in the schema it names, which must exist", async () => {
    expect(await factsOf("CREATE TABLE app.t (id bigserial PRIMARY KEY)")).toEqual(
      facts({
        kind: "create_table",
        creates: [
          named("table", "app.t"),
          named("column", "app.t.id"),
          named("sequence", "app.t_id_seq"),
          named("constraint", "app.t.t_pkey"),
          named("index", "app.t_pkey"),
        ],
        references: [named("schema", "app")],
      }),
    );
  });

  it("references what CREATE TABLE AS reads", async () => {
    expect(await factsOf("CREATE TABLE report AS SELECT * FROM orders")).toEqual(
      facts({
        kind: "create_table_as",
        creates: [named("table", "public.report")],
        references: [onPath("table", "public.orders"), named("schema", "public")],
      }),
    );
  });
});

describe("CREATE INDEX", () => {
  it.each([
    ["CREATE INDEX users_email ON users (email)", "create_index", "public.users_email"],
    ["CREATE INDEX ON users (email, org_id)", "create_index", "public.users_email_org_id_idx"],
    // Expression columns are named as PostgreSQL names them: a function's name, else `expr`.
    ["CREATE INDEX ON users (lower(email))", "create_index", "public.users_lower_idx"],
    ["CREATE INDEX ON users ((id + 1), (email::text))", "create_index", "public.users_expr_email_idx"],
    ["CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email)", "create_index_concurrently", "public.users_email"],
  ])("%s", async (sql, kind, index) => {
    expect(await factsOf(sql)).toEqual(facts({ kind, creates: [named("index", index)], references: [onPath("table", "public.users")] }));
  });

  it("creates the index in its table's schema", async () => {
    expect(await factsOf("CREATE INDEX ON app.t (id)")).toEqual(
      facts({ kind: "create_index", creates: [named("index", "app.t_id_idx")], references: [named("table", "app.t")] }),
    );
  });

  it("is tolerant with IF NOT EXISTS", async () => {
    expect(await factsOf("CREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON app.t (id)")).toEqual(
      facts({
        kind: "create_index_concurrently",
        creates: [named("index", "app.t_id")],
        references: [named("table", "app.t")],
        tolerantCreate: true,
      }),
    );
  });
});

describe("CREATE VIEW and MATERIALIZED VIEW", () => {
  it("references the tables a view reads, not its CTE names", async () => {
    const sql =
      "CREATE VIEW recent_orders AS WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN users ON users.id = recent.user_id";
    expect(await factsOf(sql)).toEqual(
      facts({
        kind: "create_view",
        creates: [named("view", "public.recent_orders")],
        references: [onPath("table", "public.orders"), onPath("table", "public.users"), named("schema", "public")],
      }),
    );
  });

  it("is tolerant with OR REPLACE", async () => {
    expect(await factsOf("CREATE OR REPLACE VIEW app.user_count AS SELECT count(*) FROM users")).toEqual(
      facts({
        kind: "create_view",
        creates: [named("view", "app.user_count")],
        references: [onPath("table", "public.users"), named("schema", "app")],
        tolerantCreate: true,
      }),
    );
  });

  it("creates a materialized view", async () => {
    expect(await factsOf("CREATE MATERIALIZED VIEW IF NOT EXISTS totals AS SELECT sum(total) FROM billing.invoices")).toEqual(
      facts({
        kind: "create_materialized_view",
        creates: [named("materialized_view", "public.totals")],
        references: [named("table", "billing.invoices"), named("schema", "public")],
        tolerantCreate: true,
      }),
    );
  });
});

describe("ALTER TABLE", () => {
  const orders = onPath("table", "public.orders");

  it("adds a column, with the foreign key it declares", async () => {
    expect(await factsOf("ALTER TABLE orders ADD COLUMN org_id bigint REFERENCES orgs (id)")).toEqual(
      facts({
        kind: "alter_table_add_column",
        creates: [named("column", "public.orders.org_id"), named("constraint", "public.orders.orders_org_id_fkey")],
        alters: [named("table", "public.orders")],
        references: [orders, onPath("table", "public.orgs")],
      }),
    );
  });

  it("adds a column of a type created elsewhere, tolerantly with IF NOT EXISTS", async () => {
    expect(await factsOf("ALTER TABLE orders ADD COLUMN IF NOT EXISTS status app.order_status")).toEqual(
      facts({
        kind: "alter_table_add_column",
        creates: [named("column", "public.orders.status")],
        alters: [named("table", "public.orders")],
        references: [orders, named("type", "app.order_status")],
        tolerantCreate: true,
      }),
    );
  });

  it("drops a column", async () => {
    expect(await factsOf("ALTER TABLE orders DROP COLUMN note")).toEqual(
      facts({
        kind: "alter_table_drop_column",
        alters: [named("table", "public.orders")],
        drops: [named("column", "public.orders.note")],
        references: [orders],
      }),
    );
    expect(await factsOf("ALTER TABLE orders DROP COLUMN IF EXISTS note CASCADE")).toEqual(
      facts({
        kind: "alter_table_drop_column",
        alters: [named("table", "public.orders")],
        drops: [named("column", "public.orders.note")],
        references: [orders],
        tolerantDrop: true,
        cascade: true,
      }),
    );
  });

  it("adds a foreign key, which references its target table", async () => {
    expect(await factsOf("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID")).toEqual(
      facts({
        kind: "alter_table_add_constraint",
        creates: [named("constraint", "public.orders.orders_user_fk")],
        alters: [named("table", "public.orders")],
        references: [orders, onPath("table", "public.users")],
      }),
    );
  });

  it("adds an unnamed CHECK, named after the one column it uses", async () => {
    expect((await factsOf("ALTER TABLE orders ADD CHECK (total > 0 AND total < 1000)")).creates).toEqual([
      named("constraint", "public.orders.orders_total_check"),
    ]);
  });

  it("renames the index a constraint takes over with USING INDEX", async () => {
    expect(await factsOf("ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx")).toEqual(
      facts({
        kind: "alter_table_add_constraint",
        creates: [named("constraint", "public.orders.orders_pkey")],
        alters: [named("table", "public.orders")],
        references: [orders],
        renames: [{ kind: "index", from: "public.orders_id_idx", to: "public.orders_pkey" }],
      }),
    );
  });

  it("validates a constraint", async () => {
    expect(await factsOf("ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk")).toEqual(
      facts({
        kind: "alter_table_validate_constraint",
        alters: [named("table", "public.orders"), named("constraint", "public.orders.orders_user_fk")],
        references: [orders],
      }),
    );
  });

  it("enables row level security", async () => {
    expect(await factsOf("ALTER TABLE orders ENABLE ROW LEVEL SECURITY")).toEqual(
      facts({ kind: "enable_rls", alters: [named("table", "public.orders")], references: [orders] }),
    );
  });

  it("is kind alter_table with several subcommands", async () => {
    expect(
      await factsOf("ALTER TABLE orders ADD COLUMN paid boolean, ALTER COLUMN total SET NOT NULL, DROP CONSTRAINT orders_total_check"),
    ).toEqual(
      facts({
        kind: "alter_table",
        creates: [named("column", "public.orders.paid")],
        alters: [named("table", "public.orders"), named("column", "public.orders.total")],
        drops: [named("constraint", "public.orders.orders_total_check")],
        references: [orders],
      }),
    );
  });

  it("only softly references a table under IF EXISTS", async () => {
    expect(await factsOf("ALTER TABLE IF EXISTS orders ADD COLUMN paid boolean")).toEqual(
      facts({
        kind: "alter_table_add_column",
        creates: [named("column", "public.orders.paid")],
        alters: [named("table", "public.orders")],
        softReferences: [orders],
      }),
    );
  });

  it("only softly references an altered index", async () => {
    expect(await factsOf("ALTER INDEX app.orders_total SET (fillfactor = 70)")).toEqual(
      facts({ kind: "alter_index", alters: [named("index", "app.orders_total")], softReferences: [named("index", "app.orders_total")] }),
    );
  });

  it("alters a sequence", async () => {
    expect(await factsOf("ALTER SEQUENCE orders_id_seq RESTART WITH 1000")).toEqual(
      facts({
        kind: "alter_sequence",
        alters: [named("sequence", "public.orders_id_seq")],
        references: [onPath("sequence", "public.orders_id_seq")],
      }),
    );
  });
});
