import { describe, expect, it } from "vitest";
import { testMigration as migration } from "../../test/support/lint-sql.js";
import { LintCheckpointCache } from "../cache/lint-checkpoint-cache.js";
import type { Migration } from "../model/migration.js";
import { rules } from "./registry.js";
import { RuleRun, type RuleRunSettings, runRules } from "./run-rules.js";

/**
 * Migrations whose later findings depend on what earlier ones left: column types
 * (alter-column-type), a function's volatility (add-column-volatile-default), a validated NOT
 * NULL proof (set-not-null), where RLS was enabled (rls-without-policy), foreign keys and
 * indexes (fk-without-index), suppressions and a bad one.
 */
const project = [
  migration(
    "0001",
    "CREATE TABLE orgs (id int PRIMARY KEY, name varchar(50), email text);\nCREATE TABLE projects (id int, org_id int REFERENCES orgs);\n",
  ),
  migration(
    "0002",
    "-- drydock:allow rls-without-policy only the service role reads it\nCREATE FUNCTION tenant() RETURNS int LANGUAGE sql STABLE AS 'select 1';\nALTER TABLE orgs ENABLE ROW LEVEL SECURITY;\n",
  ),
  migration(
    "0003",
    "-- drydock:allow index-not-concurrent tiny table\n-- drydock:allow no-such-rule oops\nALTER TABLE orgs ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nCREATE INDEX orgs_name ON orgs (name);\n",
  ),
  migration("0004", "ALTER TABLE orgs VALIDATE CONSTRAINT email_nn;\nALTER TABLE orgs RENAME TO organisations;\n"),
];
const after = [
  migration(
    "0005",
    "ALTER TABLE organisations ALTER COLUMN name TYPE varchar(20);\nALTER TABLE organisations ADD COLUMN t int DEFAULT tenant();\nALTER TABLE organisations ALTER COLUMN email SET NOT NULL;\n",
  ),
  migration("0006", "CREATE INDEX projects_org ON projects (org_id);\nALTER TABLE organisations ALTER COLUMN id TYPE bigint;\n"),
];
const settings: RuleRunSettings = { rules, serverMajor: 15, rlsSchemas: ["public"], searchPath: ["public"] };

async function runOver(migrations: readonly Migration[], run = new RuleRun(settings)) {
  for (const next of migrations) await run.add(next);
  return run;
}

describe("RuleRun checkpoints", () => {
  it("resumed after its migrations, through serialisation, finds what a run over every migration finds", async () => {
    const all = [...project, ...after];
    const expected = await runOver(all).then((run) => run.finish());
    // The test means something: findings of the state-keeping rules, before and after the checkpoint.
    const rulesFound = new Set(expected.map((finding) => finding.rule));
    for (const rule of ["alter-column-type", "rls-without-policy", "invalid-suppression", "index-not-concurrent"]) {
      expect(rulesFound).toContain(rule);
    }
    // A project-wide finding suppressed in a file the checkpoint covers: its suppressions are kept.
    expect(expected.find((finding) => finding.rule === "rls-without-policy")).toMatchObject({
      file: "migrations/0002_test.sql",
      suppressed: true,
    });

    const saved = LintCheckpointCache.store((await runOver(project)).checkpoint());
    const checkpoint = LintCheckpointCache.restore(saved);
    if (!checkpoint) throw new Error("the checkpoint did not restore");
    const resumed = new RuleRun(settings);
    expect(resumed.resume(checkpoint, all)).toBe(project.length);
    await runOver(after, resumed);
    expect(resumed.finish()).toEqual(expected);
    expect(expected).toEqual(await runRules({ ...settings, migrations: all }));
  });

  it("finishes alike whether the checkpoint was taken before or after finish", async () => {
    const run = await runOver(project);
    const before = LintCheckpointCache.store(run.checkpoint());
    const findings = run.finish();
    expect(LintCheckpointCache.store(run.checkpoint()).body).toEqual(before.body);
    expect(run.finish()).toEqual(findings);
  });

  it("covers only the same first migrations, unchanged, under the same settings", async () => {
    const checkpoint = (await runOver(project)).checkpoint();
    const run = new RuleRun(settings);
    const all = [...project, ...after];
    expect(run.covers(checkpoint, all)).toBe(true);
    expect(run.covers(checkpoint, project)).toBe(true);
    expect(run.covers(checkpoint, project.slice(0, 3))).toBe(false); // a migration removed
    const edited = [...project.slice(0, 2), migration("0003", "SELECT 1;\n"), project[3] as Migration];
    expect(run.covers(checkpoint, edited)).toBe(false);
    const renamed = project.map((entry, index) =>
      index === 1 ? { ...entry, up: { ...entry.up, file: "migrations/0002_renamed.sql" } } : entry,
    );
    expect(run.covers(checkpoint, renamed)).toBe(false);
    expect(new RuleRun({ ...settings, overrides: { "alter-column-type": "off" } }).covers(checkpoint, all)).toBe(false);
    expect(new RuleRun({ ...settings, serverMajor: 10 }).covers(checkpoint, all)).toBe(false);
    expect(new RuleRun({ ...settings, lint: new Set(["0005"]) }).covers(checkpoint, all)).toBe(false);
    // A run that has started cannot take one over.
    const started = await runOver(project.slice(0, 1));
    expect(started.resume(checkpoint, all)).toBe(0);
  });

  it("restores nothing from a body that is not a checkpoint", () => {
    expect(
      LintCheckpointCache.restore({ settings: "", migrations: ["x"], body: new Uint8Array([1, 2, 3]), findings: () => [] }),
    ).toBeUndefined();
  });
});
