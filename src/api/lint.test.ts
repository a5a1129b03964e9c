import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { rules } from "../lint/registry.js";
import { runRules } from "../lint/run-rules.js";
import { lint } from "./lint.js";
import { loadProject } from "./load-project.js";

const project = useTempProjects();

const files = {
  "migrations/0001_orgs.sql": "CREATE TABLE orgs (id int PRIMARY KEY);\nCREATE TABLE projects (id int PRIMARY KEY, org_id int);\n",
  "migrations/0002_fk.sql": "ALTER TABLE projects ADD CONSTRAINT projects_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n",
  "migrations/0003_column.sql":
    "-- drydock:allow index-not-concurrent reviewed: tiny table\nALTER TABLE orgs ADD COLUMN plan text DEFAULT 'free';\nCREATE INDEX orgs_plan ON orgs (plan);\n",
};

/** What the rules find running over the project's migrations directly, as `lint <paths>` does. */
async function rulesOver(dir: string, serverMajor: number) {
  const loaded = await loadProject({ dir, environment: {} });
  const { migrations } = await discoverProjectMigrations(loaded);
  return runRules({ migrations, rules, serverMajor, rlsSchemas: [], searchPath: ["public"] });
}

it("lints the project's migrations as the rules do over them, and the same again from the plan's cache", async () => {
  const dir = await project(files);
  const loaded = await loadProject({ dir, environment: {} });
  const expected = await rulesOver(dir, 15);
  // Findings of several rules, one of them suppressed in its file: the test means something.
  expect(new Set(expected.map((finding) => finding.rule)).size).toBeGreaterThan(1);
  expect(expected.some((finding) => finding.suppressed)).toBe(true);
  const first = await lint(loaded);
  expect(first).toEqual({ findings: expected, server_version: 15, files: 3 });
  expect(existsSync(join(dir, ".drydock", "cache"))).toBe(true);
  expect(await lint(loaded)).toEqual(first);
  // An edit is seen.
  await writeFile(join(dir, "migrations/0002_fk.sql"), "CREATE INDEX CONCURRENTLY projects_org ON projects (org_id);\n");
  const edited = await lint(await loadProject({ dir, environment: {} }));
  expect(edited.findings).toEqual(await rulesOver(dir, 15));
  expect(edited.findings).not.toEqual(first.findings);
});

it("leaves no cache behind with cache: false (lint --no-cache), and finds the same", async () => {
  const dir = await project(files);
  const result = await lint(await loadProject({ dir, environment: {} }), { cache: false });
  expect(result.findings).toEqual(await rulesOver(dir, 15));
  expect(existsSync(join(dir, ".drydock"))).toBe(false);
});

it("lints for the server version asked for, not from a cache made for another", async () => {
  const dir = await project(files);
  const loaded = await loadProject({ dir, environment: {} });
  const on10 = await lint(loaded, { serverVersion: 10 });
  const on15 = await lint(loaded, { serverVersion: 15 });
  expect(on10).toEqual({ findings: await rulesOver(dir, 10), server_version: 10, files: 3 });
  expect(on15).toEqual({ findings: await rulesOver(dir, 15), server_version: 15, files: 3 });
  // ADD COLUMN … DEFAULT rewrites the table before PostgreSQL 11 only.
  const rewrites = (result: typeof on10) => result.findings.filter((finding) => finding.rule === "add-column-volatile-default");
  expect(rewrites(on10)).toHaveLength(1);
  expect(rewrites(on15)).toHaveLength(0);
  expect(await lint(loaded, { serverVersion: 10 })).toEqual(on10);
});
