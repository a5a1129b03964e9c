import { existsSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { loadProject } from "../api/load-project.js";
import { plan } from "../api/plan.js";
import type { ParsedScript } from "../parse/parse-sql.js";
import type { MigrationAnalysis } from "../plan/analyze-migration.js";
import { toolVersion } from "../version.js";
import { AnalysisCache } from "./analysis-cache.js";

const project = useTempProjects();

it("serves unchanged migrations from the cache, re-analyses edited ones, and gives the same plan", async () => {
  const dir = await project({
    "migrations/0001_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
    "migrations/0002_b.sql": "CREATE TABLE b (a_id int REFERENCES a (id));\n",
  });
  const loaded = await loadProject({ dir, environment: {} });
  const cold = await plan(loaded);
  const cacheDir = join(dir, ".drydock", "cache");
  expect(readdirSync(cacheDir).sort()).toEqual([`analysis-${toolVersion}.json`, `lint-${toolVersion}.bin`, `plan-${toolVersion}.json`]);
  expect(await plan(loaded)).toEqual(cold);

  const cache = AnalysisCache.open(dir, toolVersion);
  let hits = 0;
  const counting = {
    get: (key: string) => {
      const found = cache.get(key);
      if (found) hits++;
      return found;
    },
    set: cache.set.bind(cache),
  };
  const { buildPlan } = await import("../plan/build-plan.js");
  const { discoverMigrations } = await import("../discover/discover-migrations.js");
  const { migrations } = await discoverMigrations({ projectRoot: dir, migrationsDir: loaded.migrationsDir });
  await buildPlan({ migrations, pending: null, searchPath: ["public"], store: counting, serverMajor: 15 });
  expect(hits).toBe(2);

  await writeFile(join(dir, "migrations/0002_b.sql"), "CREATE TABLE b (a_id int REFERENCES a (id));\nCREATE INDEX b_a ON b (a_id);\n");
  const edited = await plan(await loadProject({ dir, environment: {} }));
  expect(edited.migrations[1]?.inventory.index).toBe(1); // the edit misses the plan cache
  expect(await plan(loaded, { cache: false })).toEqual(edited);
});

it.each([
  ["without a second thread", Number.POSITIVE_INFINITY],
  ["with the parse-ahead thread started", 0],
])("gives lint the scripts of migrations whose analyses are cached, %s", async (_, parseAheadFrom) => {
  const sql = [
    "CREATE TABLE a (id int PRIMARY KEY);\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n",
    "CREATE TABLE b (a_id int REFERENCES a (id));\n",
  ];
  const migrations = sql.map((text, index) => ({
    version: String(index + 1),
    name: "",
    kind: "versioned" as const,
    format: "plain" as const,
    up: { file: `migrations/${index + 1}.sql`, sql: text, formatAllowsTransaction: true },
    down: null,
    checksum: String(index),
  }));
  const entries = new Map<string, MigrationAnalysis>();
  const store = {
    get: (key: string) => entries.get(key),
    set: (key: string, analysis: MigrationAnalysis) => void entries.set(key, analysis),
  };
  const { buildPlan } = await import("../plan/build-plan.js");
  const seen = async (known: "fresh" | "cached") => {
    const scripts: ParsedScript[] = [];
    const plan = await buildPlan({
      migrations,
      pending: null,
      searchPath: ["public"],
      store,
      parseAheadFrom,
      onAnalyzed: async (_migration, _analysis, script) => void scripts.push(script),
    });
    expect(entries.size, known).toBe(2);
    return { plan, scripts };
  };
  const fresh = await seen("fresh");
  const cached = await seen("cached");
  expect(cached.plan).toEqual(fresh.plan);
  // The same statements, less the PL/pgSQL trees: a cached script's bodies were checked when it was analysed.
  expect(cached.scripts).toEqual(
    fresh.scripts.map((script) => ({ ...script, statements: script.statements.map(({ plpgsqlTree: _, ...statement }) => statement) })),
  );
  expect(fresh.scripts[0]?.statements[1]?.plpgsqlTree).toBeDefined();
});

it("starts a new file for a new tool version and removes the old one", async () => {
  const dir = await project({ "migrations/0001_a.sql": "SELECT 1;\n" });
  const old = AnalysisCache.open(dir, "0.0.1");
  old.set("k", {
    statements: [],
    directives: { requires: [], noTransaction: false, allow: [], expectRows: [] },
    mode: { mode: "transaction", reason: "default", skip: [] },
    refusedInsideBlock: null,
  });
  await old.save();
  const current = AnalysisCache.open(dir, "0.0.2");
  expect(current.get("k")).toBeUndefined();
  current.set("k2", {
    statements: [],
    directives: { requires: [], noTransaction: false, allow: [], expectRows: [] },
    mode: { mode: "transaction", reason: "default", skip: [] },
    refusedInsideBlock: null,
  });
  await current.save();
  expect(readdirSync(join(dir, ".drydock", "cache"))).toEqual(["analysis-0.0.2.json"]);
  expect(existsSync(join(dir, ".drydock", "cache", "analysis-0.0.1.json"))).toBe(false);
});
