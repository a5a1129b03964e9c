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
