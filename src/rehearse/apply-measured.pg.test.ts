import { afterEach, beforeEach, expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../test/support/engines.js";
import { useTempMigrationProjects } from "../../test/support/temp-project.js";
import type { Engine } from "../db/engine.js";
import { ensureHistory, readHistory } from "../db/history.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { prepareMigrations } from "../execute/prepare-migrations.js";
import type { PlannedMigration } from "../model/plan.js";
import { applyMeasured } from "./apply-measured.js";

const runOptions = {
  lockTimeoutMs: 3000,
  lockRetries: 0,
  statementTimeoutMs: 0,
  transaction: "per-migration" as const,
  runId: null,
  appliedBy: "test",
};

forEachEngine("applyMeasured", (newTarget) => {
  const project = useTempMigrationProjects();
  let target: TestTarget;
  let engine: Engine;
  beforeEach(async () => {
    target = await newTarget();
    engine = await target.open();
    await ensureHistory(engine);
    await engine.exec("CREATE TABLE public.orders (id bigint PRIMARY KEY, total numeric); INSERT INTO public.orders VALUES (1, 10);");
  });
  afterEach(async () => {
    await engine.close();
    await target.dispose();
  });

  it("records the locks each migration held before commit, its catalog changes and the surprises", async () => {
    const { root, migrationsDir } = await project({
      "migrations/001_add_note.sql": "ALTER TABLE public.orders ADD COLUMN note text;\nCREATE TABLE public.items (id int);\n",
      "migrations/002_index.sql": "-- drydock:no-transaction\nCREATE INDEX CONCURRENTLY orders_total_idx ON public.orders (total);\n",
    });
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const prepared = await prepareMigrations(migrations);
    const planned = new Map<string, PlannedMigration>([
      [
        "001",
        plannedOf("001", { locks: [{ relation: "public.orders", mode: "ShareLock" }], creates: [{ kind: "table", name: "public.items" }] }),
      ],
    ]);
    const steps = await applyMeasured(engine, prepared, planned, runOptions);
    expect(steps.map((step) => [step.version, step.status, step.locks_measured])).toEqual([
      ["001", "applied", true],
      ["002", "applied", false],
    ]);
    const [first, second] = steps;
    expect(first?.locks).toContainEqual({ relation: "public.orders", mode: "AccessExclusiveLock" });
    expect(first?.changes).toEqual({
      created: ["column public.items.id", "column public.orders.note", "table public.items"],
      altered: [],
      dropped: [],
    });
    expect(first?.predicted_mismatch).toEqual(["held AccessExclusiveLock on public.orders; the plan predicted ShareLock"]);
    expect(second?.changes.created).toEqual(["index public.orders_total_idx"]);
    expect((await readHistory(engine)).map((row) => row.version)).toEqual(["001", "002"]);
  });

  it("keeps the WARNINGs the server raised while a migration ran, and no NOTICE", async () => {
    const { root, migrationsDir } = await project({
      "migrations/001_warns.sql":
        "DO $$ BEGIN RAISE NOTICE 'just so you know'; RAISE WARNING 'orders.total will be dropped next release'; END $$;\n",
      "migrations/002_quiet.sql": "ALTER TABLE public.orders ADD COLUMN note text;\n",
    });
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const steps = await applyMeasured(engine, await prepareMigrations(migrations), new Map(), runOptions);
    expect(steps.map((step) => step.server_warnings)).toEqual([["orders.total will be dropped next release"], undefined]);
  });

  it("measures each migration's own changes from the previous one's state, as full digests would", async () => {
    const { root, migrationsDir } = await project({
      "migrations/001_enum.sql":
        "CREATE TYPE public.mood AS ENUM ('sad');\nCREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
      "migrations/002_policy.sql":
        "ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON public.orders USING (id = 1);\n",
      "migrations/003_changes.sql": [
        "ALTER TABLE public.orders ADD COLUMN mood public.mood;",
        "ALTER POLICY own ON public.orders USING (id = 2);",
        "CREATE OR REPLACE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 2';",
        "ALTER TYPE public.mood ADD VALUE 'happy';",
        "CREATE INDEX orders_total_idx ON public.orders (total);",
        "",
      ].join("\n"),
      "migrations/004_drop.sql": "DEALLOCATE ALL;\nDROP TABLE public.orders;\n",
    });
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const steps = await applyMeasured(engine, await prepareMigrations(migrations), new Map(), runOptions);
    expect(steps.map((step) => [step.version, step.status, step.changes])).toEqual([
      ["001", "applied", { created: ["enum public.mood", "function public.f()"], altered: [], dropped: [] }],
      ["002", "applied", { created: ["policy public.orders.own"], altered: ["table public.orders"], dropped: [] }],
      [
        "003",
        "applied",
        {
          created: ["column public.orders.mood", "index public.orders_total_idx"],
          altered: ["enum public.mood", "function public.f()", "policy public.orders.own"],
          dropped: [],
        },
      ],
      [
        "004",
        "applied",
        {
          created: [],
          altered: [],
          dropped: [
            "column public.orders.id",
            "column public.orders.mood",
            "column public.orders.total",
            "constraint public.orders.orders_pkey",
            "index public.orders_pkey",
            "index public.orders_total_idx",
            "policy public.orders.own",
            "table public.orders",
          ],
        },
      ],
    ]);
    expect(steps.every((step) => step.locks_measured && step.duration_ms >= 0)).toBe(true);
  });

  it("pins a failure without a position to its statement by the statements that completed", async () => {
    const { root, migrationsDir } = await project({
      "migrations/001_dup.sql":
        "CREATE TABLE public.t (id int PRIMARY KEY);\nINSERT INTO public.t VALUES (1);\nINSERT INTO public.t VALUES (1);\n",
    });
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const steps = await applyMeasured(engine, await prepareMigrations(migrations), new Map(), runOptions);
    expect(steps[0]).toMatchObject({ status: "failed", error: { sqlstate: "23505", file: "migrations/001_dup.sql", line: 3, column: 1 } });
    expect(await engine.query("SELECT 1 FROM pg_catalog.pg_class WHERE relname = 't'")).toEqual([]);
  });

  it("stops at a failure, with its location, and marks the rest not run", async () => {
    const { root, migrationsDir } = await project({
      "migrations/001_bad.sql": "CREATE TABLE public.t (id int);\nINSERT INTO public.nope VALUES (1);\n",
      "migrations/002_next.sql": "CREATE TABLE public.u (id int);\n",
    });
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const steps = await applyMeasured(engine, await prepareMigrations(migrations), new Map(), runOptions);
    expect(steps.map((step) => step.status)).toEqual(["failed", "not-run"]);
    expect(steps[0]?.error).toMatchObject({ sqlstate: "42P01", file: "migrations/001_bad.sql", line: 2, column: 13 });
    expect(await readHistory(engine)).toEqual([]);
  });
});

function plannedOf(version: string, extra: Partial<PlannedMigration>): PlannedMigration {
  return {
    version,
    name: "",
    file: "",
    statements: 1,
    inventory: {},
    creates: [],
    alters: [],
    drops: [],
    references: [],
    requires: [],
    locks: [],
    reversible: false,
    transaction: { mode: "transaction", reason: "" },
    pending: true,
    ...extra,
  };
}
