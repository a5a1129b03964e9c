import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { loadProject } from "../api/load-project.js";
import { plan } from "../api/plan.js";
import { toolVersion } from "../version.js";
import { LintCheckpointCache } from "./lint-checkpoint-cache.js";

const project = useTempProjects();

const files = {
  "migrations/0001_orgs.sql":
    "CREATE TABLE orgs (id int PRIMARY KEY, name varchar(50));\nCREATE TABLE projects (id int, org_id int REFERENCES orgs);\n",
  "migrations/0002_rls.sql": "ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;\n",
  "migrations/0003_index.sql": "CREATE INDEX orgs_name ON orgs (name);\n",
};

async function lintFindingsOf(dir: string, options: { cache?: boolean } = {}) {
  return (await plan(await loadProject({ dir, environment: {} }), { lintFindings: true, ...options })).lint_findings;
}

/** How many migrations each saved checkpoint covers. */
function savedCoverage(dir: string): number[] {
  return LintCheckpointCache.open(dir, toolVersion)
    .read()
    .map((checkpoint) => checkpoint.migrations.length);
}

it("keeps the lint run before and after the newest migration, and resumes it when migrations are added or the newest is edited", async () => {
  const dir = await project(files);
  const cold = await lintFindingsOf(dir);
  expect(cold?.map((finding) => finding.rule)).toEqual(expect.arrayContaining(["index-not-concurrent", "rls-without-policy"]));
  expect(savedCoverage(dir)).toEqual([2, 3]);

  await writeFile(join(dir, "migrations/0004_type.sql"), "ALTER TABLE orgs ALTER COLUMN name TYPE varchar(20);\n");
  const appended = await lintFindingsOf(dir);
  expect(appended).toEqual(await lintFindingsOf(dir, { cache: false }));
  // The new migration's finding needs the column's type from the first one.
  expect(appended?.find((finding) => finding.rule === "alter-column-type")?.message).toContain("(from varchar(50))");
  expect(savedCoverage(dir)).toEqual([3, 4]);

  await writeFile(join(dir, "migrations/0004_type.sql"), "CREATE POLICY own ON orgs USING (true);\n");
  const edited = await lintFindingsOf(dir);
  expect(edited).toEqual(await lintFindingsOf(dir, { cache: false }));
  expect(edited?.map((finding) => finding.rule)).not.toContain("rls-without-policy"); // the policy counts at the end
  expect(savedCoverage(dir)).toEqual([3, 4]);
});

it("takes the findings of the covered migrations from the checkpoint, not from linting them again", async () => {
  const dir = await project(files);
  await lintFindingsOf(dir);
  const cache = LintCheckpointCache.open(dir, toolVersion);
  const saved = cache.read();
  const full = saved.find((checkpoint) => checkpoint.migrations.length === 3);
  const checkpoint = full && LintCheckpointCache.restore(full);
  if (!checkpoint) throw new Error("no checkpoint after the three migrations");
  const index = checkpoint.findings.find((finding) => finding.rule === "index-not-concurrent");
  if (!index) throw new Error("the checkpoint holds no index-not-concurrent finding");
  index.message = "marked in the checkpoint";
  await cache.write([LintCheckpointCache.store(checkpoint)]);

  await writeFile(join(dir, "migrations/0004_more.sql"), "CREATE INDEX orgs_id_name ON orgs (id, name);\n");
  const messages = (await lintFindingsOf(dir))
    ?.filter((finding) => finding.rule === "index-not-concurrent")
    .map((finding) => finding.message);
  expect(messages).toHaveLength(2);
  expect(messages).toContain("marked in the checkpoint");
});

it("ignores a torn checkpoint file and lints every migration", async () => {
  const dir = await project(files);
  await lintFindingsOf(dir);
  const file = join(dir, ".drydock", "cache", `lint-${toolVersion}.bin`);
  await writeFile(file, readFileSync(file).subarray(0, 100));
  await writeFile(join(dir, "migrations/0004_more.sql"), "SELECT 1;\n");
  expect(await lintFindingsOf(dir)).toEqual(await lintFindingsOf(dir, { cache: false }));
  expect(savedCoverage(dir)).toEqual([3, 4]);
});

it("writes the migrations and findings once, for checkpoints that share them with the longest, and leaves out one that does not", async () => {
  const dir = await project(files);
  await lintFindingsOf(dir);
  const cache = LintCheckpointCache.open(dir, toolVersion);
  const [beforeLast, last] = cache.read();
  if (!beforeLast || !last) throw new Error("two checkpoints expected");
  expect(beforeLast.findings().length).toBeLessThan(last.findings().length);
  expect(last.findings().slice(0, beforeLast.findings().length)).toEqual(beforeLast.findings());
  expect(last.migrations.slice(0, 2)).toEqual(beforeLast.migrations);

  const copies = beforeLast.findings().map((finding) => ({ ...finding }));
  await cache.write([{ ...beforeLast, findings: () => copies }, last]);
  expect(cache.read().map((checkpoint) => checkpoint.migrations.length)).toEqual([3]);
  await cache.write([{ ...beforeLast, migrations: ["another", ...last.migrations.slice(1, 2)] }, last]);
  expect(cache.read().map((checkpoint) => checkpoint.migrations.length)).toEqual([3]);
});

it("reads back the findings it wrote, texts and all", async () => {
  const dir = await project(files);
  const findings = await lintFindingsOf(dir);
  const [, last] = LintCheckpointCache.open(dir, toolVersion).read();
  // The checkpoint holds the statements' findings; the project's (finish) are made each run.
  for (const finding of last?.findings() ?? []) expect(findings).toContainEqual(finding);
  expect(last?.findings().length).toBeGreaterThan(0);
});

it("keeps no checkpoint for a plan against a target, whose pending migrations change with every apply", async () => {
  const dir = await project(files);
  const planned = await plan(await loadProject({ dir, environment: {} }), { url: "pglite:memory", lintFindings: true });
  expect(planned.target?.engine).toBe("pglite");
  expect(planned.lint_findings?.length).toBeGreaterThan(0);
  expect(existsSync(join(dir, ".drydock", "cache", `analysis-${toolVersion}.json`))).toBe(true);
  expect(existsSync(join(dir, ".drydock", "cache", `lint-${toolVersion}.bin`))).toBe(false);
});
