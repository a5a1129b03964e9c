import { readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { loadProject } from "../api/load-project.js";
import { plan, planJson, withTarget } from "../api/plan.js";
import { toolVersion } from "../version.js";
import { projectFileStamps } from "./file-stamps.js";

const project = useTempProjects();

const cacheFile = (dir: string) => join(dir, ".drydock", "cache", `plan-${toolVersion}.json`);
/** The stamps in the cache file's header line. */
const storedStamps = (dir: string) => (JSON.parse(readFileSync(cacheFile(dir), "utf8").split("\n")[0] ?? "") as { stamps?: string }).stamps;

it("serves a plan from unchanged file stamps, and plans again after any change", async () => {
  const dir = await project({
    "migrations/0001_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
    "migrations/0002_b.sql": "CREATE TABLE b (a_id int REFERENCES a (id));\n",
  });
  const loaded = await loadProject({ dir, environment: {} });
  const first = await plan(loaded);
  expect(storedStamps(dir)).toBe(projectFileStamps(loaded));
  expect(await plan(loaded)).toEqual(first);

  // Same size, new contents and a new stamp: planned again, not served.
  await writeFile(join(dir, "migrations/0002_b.sql"), "CREATE TABLE c (a_id int REFERENCES a (id));\n");
  const edited = await plan(loaded);
  expect(edited.migrations[1]?.creates.map((object) => object.name)).toContain("public.c");
  expect(storedStamps(dir)).toBe(projectFileStamps(loaded));

  // A new file changes the listing.
  await writeFile(join(dir, "migrations/0003_d.sql"), "CREATE TABLE d (id int);\n");
  expect((await plan(loaded)).migrations.map((migration) => migration.version)).toEqual(["0001", "0002", "0003"]);

  // Same contents under a new stamp (a checkout): served by its contents, and the stamps follow.
  const before = storedStamps(dir);
  utimesSync(join(dir, "migrations/0001_a.sql"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  expect(projectFileStamps(loaded)).not.toBe(before);
  await plan(loaded);
  expect(storedStamps(dir)).toBe(projectFileStamps(loaded));
});

it("keeps settings in the stamps: a changed search_path plans again", async () => {
  const dir = await project({ "migrations/0001_a.sql": "CREATE TABLE a (id int);\n" });
  const plain = await loadProject({ dir, environment: {} });
  await plan(plain);
  await writeFile(join(dir, "drydock.toml"), '[project]\nsearch_path = ["app", "public"]\n');
  const moved = await loadProject({ dir, environment: {} });
  expect(projectFileStamps(moved)).not.toBe(projectFileStamps(plain));
  expect((await plan(moved)).migrations[0]?.creates.map((object) => object.name)).toContain("app.a");
});

it("has no stamps when the migrations folder cannot be listed", async () => {
  const dir = await project({ "migrations/0001_a.sql": "SELECT 1;\n" });
  const loaded = await loadProject({ dir, environment: {} });
  expect(projectFileStamps({ ...loaded, migrationsDir: join(dir, "missing") })).toBeNull();
});

it("follows a symbolic link to a folder of migrations", async () => {
  const dir = await project({ "shared/0002_b.sql": "CREATE TABLE b (id int);\n", "migrations/0001_a.sql": "CREATE TABLE a (id int);\n" });
  symlinkSync(join(dir, "shared"), join(dir, "migrations", "more"));
  const loaded = await loadProject({ dir, environment: {} });
  const before = projectFileStamps(loaded);
  await writeFile(join(dir, "shared/0002_b.sql"), "CREATE TABLE b (id bigint);\n");
  expect(projectFileStamps(loaded)).not.toBe(before);
});

it("prints the same JSON as the plan, whether planned, served by stamps or served by contents", async () => {
  const dir = await project({
    "migrations/0001_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
    "migrations/0002_b.sql": "CREATE TABLE b (a_id int REFERENCES a (id));\nDROP TABLE missing;\n",
  });
  const loaded = await loadProject({ dir, environment: {} });
  const expected = JSON.stringify(await plan(loaded, { cache: false }), null, 2);
  const planned = await planJson(loaded);
  expect(planned.text).toBe(expected);
  expect(planned.findings.map((finding) => finding.kind)).toEqual(["unknown-reference"]);
  // Served by stamps: the stored text, never parsed.
  const served = await planJson(loaded);
  expect(served).toEqual(planned);
  const stored = readFileSync(cacheFile(dir), "utf8");
  expect(stored).toContain(`\n${served.text.slice(0, served.text.lastIndexOf(',\n  "target"'))}\n}`);
  // What is printed is the stored text itself.
  const hash = (JSON.parse(planned.text) as { hash: string }).hash;
  writeFileSync(cacheFile(dir), stored.replace(hash, "served-from-the-cache"));
  expect((await planJson(loaded)).text).toContain('"hash": "served-from-the-cache"');
  writeFileSync(cacheFile(dir), stored);
  // Served by contents after a touch, and re-stamped.
  utimesSync(join(dir, "migrations/0001_a.sql"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  expect(await planJson(loaded)).toEqual(planned);
  expect(storedStamps(dir)).toBe(projectFileStamps(loaded));
  expect(await planJson(loaded, { cache: false })).toEqual(planned);
});

it("plans again over a cache file it cannot read, and replaces it", async () => {
  const dir = await project({ "migrations/0001_a.sql": "CREATE TABLE a (id int);\n" });
  const loaded = await loadProject({ dir, environment: {} });
  const first = await plan(loaded);
  // The one-line layout of earlier builds, then a truncated file.
  for (const contents of [JSON.stringify({ key: "old", stamps: projectFileStamps(loaded), plan: first }), '{"key":']) {
    writeFileSync(cacheFile(dir), contents);
    expect(await plan(loaded)).toEqual(first);
    expect(storedStamps(dir)).toBe(projectFileStamps(loaded));
  }
});

it("puts the target last, as JSON.stringify does", () => {
  const planText = JSON.stringify({ hash: "h", migrations: [{ version: "1" }], findings: [] }, null, 2);
  for (const target of [null, { engine: "postgres", url_redacted: "postgres://u:***@h/db", server_version: "15.4" }]) {
    expect(withTarget(planText, target)).toBe(JSON.stringify({ ...JSON.parse(planText), target }, null, 2));
  }
});
