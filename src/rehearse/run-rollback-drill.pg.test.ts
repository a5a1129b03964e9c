import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../test/support/engines.js";
import { type FileTree, useTempMigrationProjects } from "../../test/support/temp-project.js";
import type { Engine } from "../db/engine.js";
import { ensureHistory, readHistory } from "../db/history.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { prepareMigrations } from "../execute/prepare-migrations.js";
import { runMigrations } from "../execute/run-migrations.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import type { TableDataLimits } from "./fingerprint-table-data.js";
import { runRollbackDrill, takeDrillDataBefore } from "./run-rollback-drill.js";

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
    await engine.exec(
      "CREATE TABLE public.orgs (id bigint PRIMARY KEY, name text NOT NULL, note text);\n" +
        "INSERT INTO public.orgs VALUES (1, 'acme', 'first'), (2, 'globex', NULL), (3, 'initech', 'NULL');",
    );
  });
  afterEach(async () => {
    await engine.close();
    await target.dispose();
  });

  /**
   * Applies the project's migrations the way a rehearsal does, then runs the drill; with
   * `reuseUps` it hands the drill the prepared ups, as the rehearsal does.
   */
  async function drill(
    files: FileTree,
    {
      reuseUps = true,
      limits,
      isSeedLoadedLater = false,
      exactCounts = true,
    }: { reuseUps?: boolean; limits?: Partial<TableDataLimits>; isSeedLoadedLater?: boolean; exactCounts?: boolean } = {},
  ) {
    const { root, migrationsDir } = await project(files);
    const { migrations } = await discoverMigrations({ projectRoot: root, migrationsDir });
    const before = await takeSnapshot(engine, { schemas, exactCounts });
    const data = await takeDrillDataBefore(engine, before, { migrations, isSeedLoadedLater, ...(limits ? { limits } : {}) });
    const ups = await prepareMigrations(migrations);
    const applied = await runMigrations(engine, ups, run);
    expect(applied.failed).toBeNull();
    const after = await takeSnapshot(engine, { schemas });
    return runRollbackDrill(engine, { migrations, ...(reuseUps ? { ups } : {}), before, after, data, schemas, run });
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
    expect(result.data).toEqual({ tables_compared: 1, tables_count_only: 0, tables_differing: 0, tables_unreadable: 0, rows_read: 6 });
    expect(result.details[1]).toBe("the downs kept the data of 1 table of before (1 by content; 6 rows read)");
    expect((await readHistory(engine)).map((row) => row.version)).toEqual(["001", "002"]);
  });

  it("passes when an up adds and backfills a column its down drops, and says what data it compared", async () => {
    await engine.exec(
      "CREATE TABLE public.tags (label text, weight int);\nINSERT INTO public.tags VALUES ('a', 1), ('a', 1), (NULL, NULL), ('', 2);",
    );
    const result = await drill({
      "migrations/001_slug.sql":
        "ALTER TABLE public.orgs ADD COLUMN slug text;\nUPDATE public.orgs SET slug = lower(name) || '-' || now()::text;\n" +
        "INSERT INTO public.orgs VALUES (4, 'umbrella', NULL, 'umbrella');\nDELETE FROM public.tags WHERE label = '';\n",
      "migrations/001_slug.down.sql":
        "INSERT INTO public.tags VALUES ('', 2);\nDELETE FROM public.orgs WHERE id = 4;\nALTER TABLE public.orgs DROP COLUMN slug;\n",
    });
    expect(result.details).toEqual([
      "1 down migration restored the catalog of before; the ups restored the catalog of after",
      "the downs kept the data of 2 tables of before (2 by content; 14 rows read)",
    ]);
    expect(result).toMatchObject({ status: "pass", data: { tables_compared: 2, tables_differing: 0, rows_read: 14 } });
  });

  it("fails naming the table and column a down dropped and re-added empty", async () => {
    const result = await drill({
      "migrations/001_rename.sql": "ALTER TABLE public.orgs RENAME COLUMN note TO remark;\n",
      "migrations/001_rename.down.sql": "ALTER TABLE public.orgs DROP COLUMN remark;\nALTER TABLE public.orgs ADD COLUMN note text;\n",
    });
    expect(result.status).toBe("fail");
    expect(result.differences).toEqual({ after_down: [], after_up: [] });
    expect(result.details).toEqual([
      "after the downs, the data of public.orgs lost values in column note (2 of 3 rows held one before, 0 after)",
    ]);
    expect(result.data).toMatchObject({ tables_compared: 1, tables_differing: 1 });
  });

  it("fails with the row counts when a down loses rows, or recreates a table instead of reverting its change", async () => {
    const moved = await drill({
      "migrations/001_archive.sql":
        "CREATE TABLE public.orgs_archive AS SELECT * FROM public.orgs WHERE id > 2;\nDELETE FROM public.orgs WHERE id > 2;\n",
      "migrations/001_archive.down.sql": "DROP TABLE public.orgs_archive;\n",
    });
    expect(moved.status).toBe("fail");
    expect(moved.details).toEqual(["after the downs, the data of public.orgs differs: 3 rows before, 2 after"]);

    await engine.exec("DELETE FROM drydock.migrations");
    const recreated = await drill({
      "migrations/002_not_null.sql":
        "UPDATE public.orgs SET note = '' WHERE note IS NULL;\nALTER TABLE public.orgs ALTER COLUMN note SET NOT NULL;\n",
      "migrations/002_not_null.down.sql":
        "DROP TABLE public.orgs;\nCREATE TABLE public.orgs (id bigint PRIMARY KEY, name text NOT NULL, note text);\n",
    });
    expect(recreated.details).toEqual(["after the downs, the data of public.orgs differs: 2 rows before, 0 after"]);
  });

  /** A table without a key, with duplicate rows and NULLs: (1, 'a', 1), (2, 'a', 2), (3, NULL, NULL) twice. */
  const tags =
    "CREATE TABLE public.tags (id int, label text, weight int);\nINSERT INTO public.tags VALUES (1, 'a', 1), (2, 'a', 2), (3, NULL, NULL), (3, NULL, NULL);";

  const changedNotLost = "no value lost: rewritten by an up, or by a trigger it fired, and not put back by the downs";

  it("tells a NULL from an empty string; values changed but not lost are a warning, not a failure", async () => {
    await engine.exec(tags);
    const result = await drill({
      "migrations/001_label.sql":
        "UPDATE public.tags SET label = coalesce(label, '');\nALTER TABLE public.tags ALTER COLUMN label SET NOT NULL;\n",
      "migrations/001_label.down.sql": "ALTER TABLE public.tags ALTER COLUMN label DROP NOT NULL;\n",
    });
    expect(result.status).toBe("pass");
    expect(result.warnings).toEqual([
      `after the downs, the data of public.tags differs in column label (4 rows before and after; ${changedNotLost})`,
    ]);
  });

  it("counts duplicate rows: moving values back by a key that is not unique is seen", async () => {
    await engine.exec(tags);
    const result = await drill({
      "migrations/001_weights.sql":
        "CREATE TABLE public.tag_weights AS SELECT label, weight FROM public.tags;\nALTER TABLE public.tags DROP COLUMN weight;\n",
      "migrations/001_weights.down.sql":
        "ALTER TABLE public.tags ADD COLUMN weight int;\n" +
        "UPDATE public.tags t SET weight = w.weight FROM public.tag_weights w WHERE w.label IS NOT DISTINCT FROM t.label;\n" +
        "DROP TABLE public.tag_weights;\n",
    });
    // Both 'a' rows get the same weight; the (3, NULL, NULL) rows get theirs back.
    expect(result.warnings).toEqual([
      `after the downs, the data of public.tags differs in column weight (4 rows before and after; ${changedNotLost})`,
    ]);
  });

  it("sees values put back into other rows, and passes a down that restores duplicates and NULLs", async () => {
    await engine.exec(tags);
    const swapped = await drill({
      "migrations/001_ids.sql":
        "CREATE TABLE public.tag_ids AS SELECT weight, id FROM public.tags;\nALTER TABLE public.tags DROP COLUMN id;\n",
      "migrations/001_ids.down.sql":
        "ALTER TABLE public.tags ADD COLUMN id int;\n" +
        "UPDATE public.tags SET id = CASE weight WHEN 1 THEN 2 WHEN 2 THEN 1 ELSE 3 END;\nDROP TABLE public.tag_ids;\n",
    });
    expect(swapped.status).toBe("pass");
    expect(swapped.warnings).toEqual([
      "after the downs, the data of public.tags differs: each column holds the values of before, but not in the same rows (4 rows before and after)",
    ]);

    await engine.exec(`DROP TABLE public.tags, public.tag_ids;\nDELETE FROM drydock.migrations;\n${tags}`);
    const restored = await drill({
      "migrations/002_dedupe.sql":
        "CREATE TABLE public.tags_dup AS SELECT * FROM public.tags WHERE id = 3 LIMIT 1;\n" +
        "DELETE FROM public.tags WHERE id = 3;\nINSERT INTO public.tags SELECT * FROM public.tags_dup;\n",
      "migrations/002_dedupe.down.sql": "INSERT INTO public.tags SELECT * FROM public.tags_dup;\nDROP TABLE public.tags_dup;\n",
    });
    expect(restored).toMatchObject({ status: "pass", data: { tables_compared: 2, tables_differing: 0, rows_read: 14 } });
  });

  it("compares tables past the read limits by row count only, and says so", async () => {
    await engine.exec(
      "CREATE TABLE public.events (id int, payload text);\nINSERT INTO public.events SELECT g, 'x' FROM generate_series(1, 5) g;",
    );
    const files = {
      "migrations/001_events.sql":
        "CREATE TABLE public.events_old AS SELECT * FROM public.events WHERE id > 4;\nDELETE FROM public.events WHERE id > 4;\n",
      "migrations/001_events.down.sql": "DROP TABLE public.events_old;\n",
    };
    const result = await drill(files, { limits: { maxRowsPerTable: 4 } });
    expect(result.details).toEqual([
      "after the downs, the data of public.events differs: 5 rows before, 4 after (compared by row count only: over 4 rows)",
    ]);
    expect(result.data).toEqual({ tables_compared: 2, tables_count_only: 1, tables_differing: 1, tables_unreadable: 0, rows_read: 6 });

    // Past the budget for all tables together: the smaller table is read, the other one counted.
    await engine.exec(
      "DELETE FROM drydock.migrations;\nDROP TABLE public.events_old;\nINSERT INTO public.events SELECT g, repeat('y', 200) FROM generate_series(5, 200) g;",
    );
    const budget = await drill(
      {
        "migrations/002_payload.sql": "UPDATE public.events SET payload = upper(payload);\nALTER TABLE public.orgs ADD COLUMN slug text;\n",
        "migrations/002_payload.down.sql": "ALTER TABLE public.orgs DROP COLUMN slug;\n",
      },
      { limits: { maxTotalBytes: 16 * 1024 } },
    );
    expect(budget.status).toBe("pass");
    expect(budget.details[1]).toBe(
      "the downs kept the data of 2 tables of before (1 by content, 1 by row count only (past the drill's read limits); 6 rows read)",
    );
    expect(budget.data).toMatchObject({ tables_compared: 2, tables_count_only: 1 });
  });

  it("says which table it may not read and compares the others", async () => {
    if (target.engine === "pglite") return; // one role only
    const role = `drydock_drill_${randomBytes(4).toString("hex")}`;
    await engine.exec(
      `CREATE ROLE ${role};\nCREATE TABLE public.secrets (v text);\nINSERT INTO public.secrets VALUES ('x');\n` +
        `ALTER TABLE public.orgs OWNER TO ${role};\nGRANT USAGE, CREATE ON SCHEMA public, drydock TO ${role};\n` +
        `GRANT ALL ON ALL TABLES IN SCHEMA drydock TO ${role};\nGRANT ALL ON ALL SEQUENCES IN SCHEMA drydock TO ${role};\n` +
        `SET SESSION AUTHORIZATION ${role};`,
    );
    try {
      // Without exact counts: the snapshot's count(*) would be refused first.
      const result = await drill(
        {
          "migrations/001_slug.sql": "ALTER TABLE public.orgs ADD COLUMN slug text;\n",
          "migrations/001_slug.down.sql": "ALTER TABLE public.orgs DROP COLUMN slug;\n",
        },
        { exactCounts: false },
      );
      expect(result.status).toBe("pass");
      expect(result.details.slice(1)).toEqual([
        "the downs kept the data of 1 table of before (1 by content; 6 rows read)",
        "the data of public.secrets was not compared: it could not be read before the migrations: permission denied for table secrets (42501 insufficient_privilege)",
      ]);
      expect(result.data).toMatchObject({ tables_compared: 1, tables_unreadable: 1 });
    } finally {
      await engine.exec(`RESET SESSION AUTHORIZATION;\nDROP OWNED BY ${role};\nDROP ROLE ${role};`);
    }
  });

  it("compares only the catalog when the data of before was not read", async () => {
    const result = await drill(
      {
        "migrations/001_rename.sql": "ALTER TABLE public.orgs RENAME COLUMN note TO remark;\n",
        "migrations/001_rename.down.sql": "ALTER TABLE public.orgs DROP COLUMN remark;\nALTER TABLE public.orgs ADD COLUMN note text;\n",
      },
      { isSeedLoadedLater: true },
    );
    expect(result.status).toBe("pass");
    expect(result.details[1]).toMatch(/^the data was not compared: the seed is loaded after the migrations/);
    expect(result.data).toMatchObject({ tables_compared: 0, not_compared: expect.stringContaining("seed") });
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
    const data = await takeDrillDataBefore(engine, snapshot, { migrations, isSeedLoadedLater: false });
    const result = await runRollbackDrill(engine, { migrations, before: snapshot, after: snapshot, data, schemas, run });
    expect(result).toEqual({ status: "irreversible", details: ["002 u has no down migration (migrations/002_u.sql)"] });
  });
});
