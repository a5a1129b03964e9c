import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apply } from "../../src/api/apply.js";
import { loadProject } from "../../src/api/load-project.js";
import type { Report } from "../../src/model/report.js";
import { takeSnapshot } from "../../src/snapshot/take-snapshot.js";
import { runDrydock, spawnDrydock } from "../support/cli.js";
import { useTempProjects, writeFiles } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const applied = {
  "migrations/001_orgs.sql": "CREATE TABLE public.orgs (id bigint PRIMARY KEY, name text NOT NULL);\n",
  "migrations/001_orgs.down.sql": "DROP TABLE public.orgs;\n",
  "migrations/002_projects.sql":
    "CREATE TABLE public.projects (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES public.orgs, name text);\nCREATE INDEX projects_org_id_idx ON public.projects (org_id);\n",
  "migrations/002_projects.down.sql": "DROP TABLE public.projects;\n",
};

/** The state a rehearsal must leave alone: the catalog, every table's rows, and the history. */
async function stateOf(db: TestDatabase) {
  const snapshot = await takeSnapshot(db.engine, { schemas: ["public", "drydock"], exactCounts: true });
  const history = await db.query("SELECT version, checksum FROM drydock.migrations ORDER BY version");
  const runs = await db.query("SELECT count(*)::int AS runs FROM drydock.runs");
  const { statistics, ...catalog } = snapshot;
  return { catalog, rows: statistics.relations.map((relation) => [relation.name, relation.row_count]), history, runs };
}

/** Which of the named databases still exist on the server. */
async function stillThere(names: readonly string[]): Promise<string[]> {
  const admin = await createTestDatabase("drydock_probe");
  try {
    const rows = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname = ANY($1::text[])", [names]);
    return rows.map((row) => row.datname);
  } finally {
    await admin.drop();
  }
}

/** The scratch copy a rehearsal made, named in its report's sandbox description. */
function copyOf(report: Report): string {
  const name = /as database (drydock_rehearsal_\w+)/.exec(report.sandbox.description)?.[1];
  expect(name).toBeDefined();
  return name ?? "";
}

describe("rehearse --url: a scratch copy of the target, never the target", () => {
  const makeProject = useTempProjects();
  let db: TestDatabase;
  let root: string;
  let evidence: string;
  beforeEach(async () => {
    db = await createTestDatabase();
    root = await makeProject(applied);
    evidence = await mkdtemp(join(tmpdir(), "drydock-evidence-"));
    const result = await apply(await loadProject({ dir: root, environment: {} }), { url: db.url });
    expect(result.failed).toBeNull();
    await db.exec(`
      INSERT INTO public.orgs SELECT g, 'org ' || g FROM generate_series(1, 50) g;
      INSERT INTO public.projects SELECT g, 1 + g % 50, 'p' || g FROM generate_series(1, 500) g;`);
  });
  afterEach(async () => {
    await db.drop();
    await rm(evidence, { recursive: true, force: true });
  });

  async function rehearseTarget(extra: Record<string, string>) {
    await writeFiles(root, extra);
    const run = await runDrydock(["rehearse", "--dir", root, "--url", db.url, "--evidence-dir", evidence, "--json"]);
    return { run, report: (JSON.parse(run.stdout) as { report: Report }).report };
  }

  it("rehearses what the target's history lacks and leaves the target and the server as they were", async () => {
    const before = await stateOf(db);
    const { run, report } = await rehearseTarget({
      "migrations/003_archived.sql": "ALTER TABLE public.projects ADD COLUMN archived boolean NOT NULL DEFAULT false;\n",
      "migrations/003_archived.down.sql": "ALTER TABLE public.projects DROP COLUMN archived;\n",
    });
    expect({ code: run.code, verdict: report.decision.verdict }).toEqual({ code: 0, verdict: "GO" });
    expect(report.steps.map((step) => step.version)).toEqual(["003"]);
    expect(report.stats.before.rows).toBe(550);
    expect(report.checks.find((check) => check.id === "data.row_counts")).toMatchObject({ status: "pass" });
    expect(report.steps[0]?.locks).toContainEqual({ relation: "public.projects", mode: "AccessExclusiveLock" });
    expect(report.sandbox.description).toMatch(/scratch copy of postgres:\/\/.* as database drydock_rehearsal_/);
    expect(await stateOf(db)).toEqual(before);
    expect(await stillThere([copyOf(report)])).toEqual([]);
  });

  it("leaves the target unchanged and no copy behind when a migration fails", async () => {
    const before = await stateOf(db);
    const { run, report } = await rehearseTarget({
      "migrations/003_unique_name.sql": "UPDATE public.projects SET name = 'same';\nALTER TABLE public.projects ADD UNIQUE (name);\n",
      "migrations/003_unique_name.down.sql": "SELECT 1;\n",
    });
    expect({ code: run.code, verdict: report.decision.verdict }).toEqual({ code: 1, verdict: "NO-GO" });
    expect(report.steps[0]?.error).toMatchObject({ sqlstate: "23505", line: 2 });
    expect(await stateOf(db)).toEqual(before);
    expect(await stillThere([copyOf(report)])).toEqual([]);
  });

  it("removes the copy when interrupted with SIGINT during a migration", async () => {
    const before = await stateOf(db);
    await writeFiles(root, {
      "migrations/003_slow.sql": "SELECT pg_sleep(60);\n",
      "migrations/003_slow.down.sql": "SELECT 1;\n",
    });
    const started = performance.now();
    const { child, done, output } = spawnDrydock(["rehearse", "--dir", root, "--url", db.url, "--evidence-dir", evidence]);
    // The copy exists once the sandbox stage is reported; the slow migration runs after "snapshot before".
    while (!/snapshot before/.test(output().stdout) && performance.now() - started < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const copy = /as database (drydock_rehearsal_\w+)/.exec(output().stdout)?.[1];
    expect(copy).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill("SIGINT");
    const result = await done;
    expect(performance.now() - started).toBeLessThan(50_000);
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toContain("interrupted");
    expect(await stillThere([copy ?? ""])).toEqual([]);
    expect(await stateOf(db)).toEqual(before);
  });
});
