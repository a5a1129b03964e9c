import { afterEach, beforeEach, expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../test/support/engines.js";
import { type FileTree, useTempMigrationProjects } from "../../test/support/temp-project.js";
import type { Engine } from "../db/engine.js";
import { ensureHistory, readHistory } from "../db/history.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { prepareMigrations } from "../execute/prepare-migrations.js";
import { runMigrations } from "../execute/run-migrations.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { runRollbackDrill } from "./run-rollback-drill.js";

const run = {
  lockTimeoutMs: 3000,
  lockRetries: 0,
  statementTimeoutMs: 0,
  transaction: "per-migration" as const,
  runId: null,
  appliedBy: "test",
};
const schemas = ["public"];

forEachEngine("runRollbackDrill", (newTarget) => {
  const project = useTempMigrationProjects();
  let target: TestTarget;
  let engine: Engine;
  beforeEach(async () => {
    target = await newTarget();
    engine = await target.open();
    await ensureHistory(engine);
    await engine.exec("CREATE TABLE public.orgs (id bigint PRIMARY KEY, name text NOT NULL)");
  });
  afterEach(async () => {
    await engine.close();
    await target.dispose();
  });

  /**
   * Applies the project's migrations the way a rehearsal does, then runs the drill; with
   * `reuseUps` it hands the drill the prepared ups, as the rehearsal does.
   */
  async function drill(files: FileTree, { reuseUps = true } = {}) {
    const { root, migrationsDir } = await project(files);
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const before = await takeSnapshot(engine, { schemas });
    const ups = await prepareMigrations(migrations);
    const applied = await runMigrations(engine, ups, run);
    expect(applied.failed).toBeNull();
    const after = await takeSnapshot(engine, { schemas });
    return runRollbackDrill(engine, { migrations, ...(reuseUps ? { ups } : {}), before, after, schemas, run });
  }

  it.each([
    ["the prepared ups it is given", true],
    ["ups it prepares itself", false],
  ])("passes when the downs restore the catalog of before and the ups that of after (%s)", async (_, reuseUps) => {
    const result = await drill(
      {
        "migrations/001_projects.sql": "CREATE TABLE public.projects (id bigint PRIMARY KEY, org_id bigint REFERENCES public.orgs);\n",
        "migrations/001_projects.down.sql": "DROP TABLE public.projects;\n",
        "migrations/002_slug.sql": "ALTER TABLE public.orgs ADD COLUMN slug text;\nCREATE INDEX orgs_slug_idx ON public.orgs (slug);\n",
        "migrations/002_slug.down.sql": "DROP INDEX public.orgs_slug_idx;\nALTER TABLE public.orgs DROP COLUMN slug;\n",
      },
      { reuseUps },
    );
    expect(result.status).toBe("pass");
    expect(result.differences).toEqual({ after_down: [], after_up: [] });
    expect((await readHistory(engine)).map((row) => row.version)).toEqual(["001", "002"]);
  });

  it("fails naming what a down did not restore", async () => {
    const result = await drill({
      "migrations/001_not_null.sql":
        "ALTER TABLE public.orgs ALTER COLUMN name DROP NOT NULL;\nALTER TABLE public.orgs ADD COLUMN slug text;\n",
      "migrations/001_not_null.down.sql": "ALTER TABLE public.orgs DROP COLUMN slug;\n",
    });
    expect(result.status).toBe("fail");
    expect(result.differences?.after_down).toEqual([
      expect.objectContaining({ kind: "column", name: "public.orgs.name", change: "changed", attribute: "not_null" }),
    ]);
    expect(result.details[0]).toContain("public.orgs.name differs in not_null");
  });

  it("fails naming the down that failed, and is irreversible without a down", async () => {
    const failing = await drill({
      "migrations/001_t.sql": "CREATE TABLE public.t (id int);\n",
      "migrations/001_t.down.sql": "DROP TABLE public.not_there;\n",
    });
    expect(failing.status).toBe("fail");
    expect(failing.details[0]).toMatch(/^the down of 001 failed at migrations\/001_t\.down\.sql:1:1: .*not_there.* \(42P01\)$/);

    const unparsable = await drill({
      "migrations/001_v.sql": "CREATE TABLE public.v (id int);\n",
      "migrations/001_v.down.sql": "DROP TABLE public.v\nALTER TABLE x;\n",
    });
    expect(unparsable.status).toBe("fail");
    expect(unparsable.details[0]).toMatch(
      /^a down migration cannot run at migrations\/001_v\.down\.sql:2:1: syntax error at or near "ALTER"/,
    );

    const { root, migrationsDir } = await project({ "migrations/002_u.sql": "CREATE TABLE public.u (id int);\n" });
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const snapshot = await takeSnapshot(engine, { schemas });
    const result = await runRollbackDrill(engine, { migrations, before: snapshot, after: snapshot, schemas, run });
    expect(result).toEqual({ status: "irreversible", details: ["002 u has no down migration (migrations/002_u.sql)"] });
  });
});
