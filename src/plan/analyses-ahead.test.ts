import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasCorpus, readCorpusSet } from "../../test/support/corpus.js";
import { corpusSearchPaths } from "../../test/support/corpus-plan.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import type { Migration } from "../model/migration.js";
import type { ParsedStatement } from "../parse/parse-sql.js";
import type * as AheadModule from "./analyses-ahead.js";
import { analyzeScript } from "./analyze-migration.js";
import * as buildPlanModule from "./build-plan.js";

// The worker runs only from JavaScript (tsc's dist/, the bundle): under vitest the sources start
// no worker, so these tests load the built modules (`npm test` builds first) and compare them
// with the sources, which analyse everything on one thread.
const built = (module: string) => join(fileURLToPath(new URL("../../dist/plan/", import.meta.url)), module);
const isBuilt = existsSync(built("analysis-worker.js"));
const loadBuilt = async <T>(module: string): Promise<T> => (await import(built(module))) as T;

/** A plain-SQL migration; the other Migration fields do not matter to the analysis. */
function migrationOf(index: number, sql: string): Migration {
  const version = String(index + 1).padStart(4, "0");
  const file = `migrations/${version}_step.sql`;
  return {
    version,
    name: "step",
    checksum: version,
    up: { file, sql, formatAllowsTransaction: true },
    down: null,
  } as unknown as Migration;
}

const tableMigrations = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    migrationOf(
      index,
      index === 0
        ? "CREATE TABLE t0 (id bigint PRIMARY KEY);\n"
        : `CREATE TABLE t${index} (id bigint PRIMARY KEY, parent bigint REFERENCES t${index - 1} (id));\nCREATE INDEX ON t${index} (parent);\n`,
    ),
  );

describe.skipIf(!isBuilt)("analyses made ahead on a worker thread", () => {
  it("every script is analysed once, by one thread or the other, exactly as on one thread", async () => {
    const { AnalysesAhead } = await loadBuilt<typeof AheadModule>("analyses-ahead.js");
    const migrations = tableMigrations(400);
    const settings = { searchPath: ["public"] };
    const ahead = AnalysesAhead.start(
      migrations.map((migration) => migration.up),
      settings,
    );
    expect(ahead).not.toBeNull();
    let fromWorker = 0;
    try {
      for (const [index, migration] of migrations.entries()) {
        // After ten here, a pause: the worker starts and claims from the back meanwhile.
        if (index === 10) await new Promise((resolve) => setTimeout(resolve, 300));
        const made = await ahead?.take(index);
        const here = await analyzeScript(migration.up, settings);
        if (made) {
          fromWorker++;
          expect(made.analysis).toEqual(here.analysis);
          expect(made.script.statements).toEqual(here.script.statements);
          expect(made.script.lines.text).toBe(here.script.lines.text);
        }
      }
    } finally {
      await ahead?.close();
    }
    // The worker starts while the caller works from the front; it must have taken part.
    expect(fromWorker).toBeGreaterThan(0);
    expect(fromWorker).toBeLessThanOrEqual(migrations.length - 10);
  });

  it("a syntax error the worker meets is reported at the same file:line:column as on one thread", async () => {
    const builtPlan = await loadBuilt<typeof buildPlanModule>("build-plan.js");
    const migrations = tableMigrations(300);
    // Near the end: the worker claims from the back, so it is the worker that parses it.
    migrations[290] = migrationOf(290, "CREATE TABLE t290 (id bigint PRIMARY KEY);\nSELEC 1;\n");
    // The first migration's lint pauses the plan, so the worker has claimed the end by the time
    // the plan reaches it.
    const pauseOnFirst = async (migration: Migration) => {
      if (migration.version === "0001") await new Promise((resolve) => setTimeout(resolve, 500));
    };
    const input = { migrations, pending: null, searchPath: ["public"], onAnalyzed: pauseOnFirst };
    const here = await buildPlanModule.buildPlan(input).catch((error: unknown) => error);
    const there = await builtPlan.buildPlan(input).catch((error: unknown) => error);
    expect(here).toMatchObject({ name: "SqlSyntaxError", details: { location: { file: "migrations/0291_step.sql", line: 2, column: 1 } } });
    expect(there).toMatchObject({
      name: "SqlSyntaxError",
      message: (here as Error).message,
      details: (here as { details: unknown }).details,
    });
  });

  it.skipIf(!hasCorpus).each(["crates-io", "langfuse", "tastybytes-graphile", "marquez", "stellar-horizon"])(
    "%s: the plan and the scripts lint sees are the same with the worker as without",
    async (name) => {
      const builtPlan = await loadBuilt<typeof buildPlanModule>("build-plan.js");
      const set = readCorpusSet(name);
      const migrationsDir = join(set.dir, "migrations");
      const { migrations } = await discoverMigrations({ projectRoot: set.dir, migrationsDir, variables: set.psql_vars });
      const preludes = await Promise.all(set.prelude.map(async (file) => ({ file, sql: await readFile(join(set.dir, file), "utf8") })));
      const seen =
        (into: Map<string, ParsedStatement[] | undefined>) =>
        async (migration: Migration, _: unknown, script?: { statements: ParsedStatement[] }) => {
          into.set(migration.version, script?.statements);
        };
      const input = { migrations, pending: null, preludes, searchPath: corpusSearchPaths[name] ?? ["public"] };
      const scriptsHere = new Map<string, ParsedStatement[] | undefined>();
      const scriptsThere = new Map<string, ParsedStatement[] | undefined>();
      const here = await buildPlanModule.buildPlan({ ...input, onAnalyzed: seen(scriptsHere) });
      const there = await builtPlan.buildPlan({ ...input, onAnalyzed: seen(scriptsThere) });
      expect(there).toEqual(here);
      expect(scriptsThere).toEqual(scriptsHere);
      expect([...scriptsHere.values()].every((statements) => statements !== undefined)).toBe(true);
    },
  );
});
