#!/usr/bin/env node
// Snapshot and diff benchmark on a large schema (generate-large-schema.mjs: 2,000 tables, 500
// functions, 300 views, policies, … by default), several runs, tools interleaved per run.
//
//   node bench/snapshot-benchmark.mjs [--url postgres://postgres@127.0.0.1:5432/postgres] [--runs 5] [--warmup 1]
//        [--seed 1] [--tables 2000] [--functions 500] [--views 300] [--tools LIST] [--timeout 600]
//        [--keep] [--reuse]
//
// Needs `npm run build` at the repository root (drydock runs from dist/bundle/main.js), `cd bench
// && npm install` (pg-introspection, @pgkit/schemainspect, @pgkit/migra), psql, pg_dump and
// createdb on PATH, and a role allowed to CREATE DATABASE and CREATE ROLE. The script creates
// drydock_bench_large_a (the schema) and drydock_bench_large_b (the modified copy), writes a
// drydock snapshot file of each once, checks that drydock's diff turns a copy of A into B, and
// then times, as child-process wall time (spawn to exit):
//   snapshot of A: pg_dump --schema-only (the reference), drydock snapshot, pg-introspection,
//                  @pgkit/schemainspect;
//   diff A → B:    drydock diff of the two snapshot files (the reference), drydock diff of the two
//                  URLs (two snapshots and the diff), @pgkit/migra (connects to both databases).
// Results go to stdout as Markdown tables and to bench/.work/snapshot-results.json. The two
// databases are dropped at the end unless --keep; --reuse keeps databases left by an earlier
// --keep run when they hold the same generated schema (a hash of its SQL is their comment).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { atLeast, integer, namesOf, parseCommandLine, text, toggle } from "./command-line.mjs";
import { bundleBuilt, copyBundle, describeDrydock, drydockBundle, loadAverages, pkgVersion, resolveIn } from "./environment.mjs";
import { generateLargeSchema, generateModifiedSchema, SCHEMAS } from "./generate-large-schema.mjs";
import { childEnv, databaseUrl, defaultDatabaseUrl, interruptible, log, rotate, tail, timedSpawn } from "./lib.mjs";
import { fmtMs, fmtRatio, ratiosTo, recordRun, sampleStats, toolResult, toolTable, writeResults } from "./results.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "..");
const workDir = join(benchDir, ".work", "snapshot");
const outputDir = join(workDir, "output");
const projectDir = join(workDir, "project");

const DB_A = "drydock_bench_large_a";
const DB_B = "drydock_bench_large_b";
const DB_APPLIED = "drydock_bench_large_a_applied";
const DB_MIGRA_APPLIED = "drydock_bench_large_a_migra";
const SNAPSHOT_TOOLS = ["pg_dump", "drydock", "pg-introspection", "schemainspect"];
const DIFF_TOOLS = ["drydock-files", "drydock-urls", "migra"];
const SNAPSHOT_REFERENCE = "pg_dump";
const DIFF_REFERENCE = "drydock-files";
const GOALS = { snapshotRatio: 1.0, diffMs: 1000, aheadOfMigra: 40 };

const ALL_TOOLS = [...SNAPSHOT_TOOLS, ...DIFF_TOOLS];
const DEFAULTS = { url: defaultDatabaseUrl, runs: 5, warmup: 1, seed: 1, tables: 2000, functions: 500, views: 300 };
Object.assign(DEFAULTS, { tools: ALL_TOOLS, timeout: 600, keep: false, reuse: false });
const opts = parseCommandLine(process.argv.slice(2), {
  usage:
    "usage: node bench/snapshot-benchmark.mjs [--url URL] [--runs 5] [--warmup 1] [--seed 1] [--tables 2000] [--functions 500] [--views 300]\n" +
    `         [--tools ${ALL_TOOLS.join(",")}] [--timeout 600] [--keep] [--reuse]`,
  defaults: DEFAULTS,
  flags: {
    "--url": text,
    ...atLeast(integer, { "--runs": 1, "--warmup": 0, "--seed": 0, "--tables": 20, "--functions": 10, "--views": 5, "--timeout": 1 }),
    "--keep": toggle,
    "--reuse": toggle,
    "--tools": namesOf(ALL_TOOLS, "tool"),
  },
});

// ---- databases --------------------------------------------------------------------------------

const urlOf = (db) => databaseUrl(opts.url, db);
const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

/** Runs SQL through psql (no .psqlrc, stop on the first error) and returns its trimmed stdout. */
function psql(db, sql, { file } = {}) {
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", db ? urlOf(db) : opts.url];
  if (file) args.push("-f", file);
  else args.push("-c", sql);
  const r = spawnSync("psql", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`psql ${file ?? sql.slice(0, 80)} on ${db ?? "admin"}: ${tail(`${r.stderr}${r.error ?? ""}`)}`);
  return r.stdout.trim();
}

const dropDatabase = (db) => psql(null, `DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`);
const databaseComment = (db) =>
  psql(null, `SELECT pg_catalog.shobj_description(oid, 'pg_database') FROM pg_catalog.pg_database WHERE datname = '${db}'`);

/** Creates `db` from `sql` (or keeps it with --reuse when its comment says it holds that SQL); returns the load time in ms or null. */
function prepareDatabase(db, sqlFile, sqlHash) {
  const marker = `drydock bench ${sqlHash}`;
  if (opts.reuse && databaseComment(db) === marker) {
    log(`${db}: reused (comment matches the generated SQL)`);
    return null;
  }
  dropDatabase(db);
  psql(null, `CREATE DATABASE ${quoteIdent(db)} TEMPLATE template0`);
  const t0 = performance.now();
  psql(db, null, { file: sqlFile });
  const ms = performance.now() - t0;
  // Analyzed catalogs, as on a database that has lived a while; then nothing dirty left to flush.
  psql(db, "VACUUM ANALYZE");
  psql(db, `COMMENT ON DATABASE ${quoteIdent(db)} IS '${marker}'`);
  psql(null, "CHECKPOINT");
  log(`${db}: loaded ${sqlFile} in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

// ---- tools ------------------------------------------------------------------------------------

const node = process.execPath;
// drydock runs from a copy of dist/bundle/ made at start, so that a rebuild by someone else while
// the benchmark runs does not mix builds; its external imports still resolve to node_modules.
const drydockMain = join(workDir, "bundle", "main.js");
const drydockIndex = join(repoDir, "dist", "index.js");
const drydockMissing = () => (existsSync(drydockMain) ? null : "dist/bundle/main.js not found (run npm run build at the repository root)");
const migraCommand = (() => {
  const p = resolveIn("@pgkit/migra/package.json");
  return p ? join(dirname(p), JSON.parse(readFileSync(p, "utf8")).bin) : null;
})();
const snapshotFile = (db) => join(workDir, `${db}.json`);

// The peers are libraries: these scripts are what a user of each would run to read a schema,
// written to .work/ (they resolve the packages from bench/node_modules). Each prints a summary
// of what it read, which the benchmark checks; neither writes its result anywhere.
const PEER_SCRIPTS = {
  "pg-introspection": `// pg-introspection (graphile): one introspection query, parsed into an object graph.
const { Client } = require("pg");
const { makeIntrospectionQuery, parseIntrospectionResults } = require("pg-introspection");
(async () => {
  const client = new Client({ connectionString: process.argv[2] });
  await client.connect();
  const { rows } = await client.query(makeIntrospectionQuery());
  const introspection = parseIntrospectionResults(rows[0].introspection, false);
  await client.end();
  const schemas = new Set(process.argv[3].split(","));
  const ours = introspection.classes.filter((c) => schemas.has(c.getNamespace()?.nspname));
  console.log(JSON.stringify({
    tables: ours.filter((c) => c.relkind === "r").length,
    views: ours.filter((c) => c.relkind === "v" || c.relkind === "m").length,
    classes: introspection.classes.length,
    attributes: introspection.attributes.length,
    constraints: introspection.constraints.length,
    procs: introspection.procs.length,
    policies: introspection.policies?.length ?? null,
  }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
  schemainspect: `// @pgkit/schemainspect: the inspector migra diffs, read from one database.
const { createClient } = require("@pgkit/client");
const { get_inspector } = require("@pgkit/schemainspect");
(async () => {
  const client = createClient(process.argv[2]);
  const inspected = await get_inspector(client);
  await client.end();
  const size = (o) => (o ? Object.keys(o).length : null);
  console.log(JSON.stringify({
    tables: size(inspected.tables),
    views: size(inspected.views),
    materialized_views: size(inspected.materialized_views),
    functions: size(inspected.functions),
    indexes: size(inspected.indexes),
    constraints: size(inspected.constraints),
    policies: size(inspected.rlspolicies),
    triggers: size(inspected.triggers),
  }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
};
const peerScript = (tool) => join(workDir, `${tool}.cjs`);

function parseJsonLine(r) {
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop());
  } catch {
    return null;
  }
}

/** A peer script's summary (its last line) must count every table of A. */
function checkPeerSummary(r, ctx) {
  const facts = parseJsonLine(r);
  if (facts?.tables !== ctx.stats.a.tables) return [`read ${facts?.tables} tables, expected ${ctx.stats.a.tables}: ${tail(r.stdout, 300)}`];
  r.facts = facts;
  return [];
}

/** Each tool: its command, whether it can run, and what its result must hold. `ctx` carries the expected counts and the reference diff. */
const TOOL_DEFS = {
  pg_dump: {
    describe: "pg_dump --schema-only -d A (SQL to a file)",
    command: () => ["pg_dump", ["--schema-only", "-d", urlOf(DB_A)]],
    unavailable: () => (spawnSync("pg_dump", ["--version"]).status === 0 ? null : "pg_dump not on PATH"),
    check: (r, ctx) => {
      const n = (r.stdout.match(/^CREATE TABLE /gm) ?? []).length;
      if (n !== ctx.stats.a.tables) return [`dump has ${n} CREATE TABLE, expected ${ctx.stats.a.tables}`];
      r.facts = { output_bytes: Buffer.byteLength(r.stdout) };
      return [];
    },
  },
  drydock: {
    describe: "node dist/bundle/main.js snapshot --dir <project> --url A --output <file> (JSON)",
    command: () => [
      node,
      [drydockMain, "snapshot", "--dir", projectDir, "--url", urlOf(DB_A), "--output", join(outputDir, "drydock-snapshot.json")],
    ],
    unavailable: drydockMissing,
    check: (_r, ctx) => {
      const file = join(outputDir, "drydock-snapshot.json");
      const snap = JSON.parse(readFileSync(file, "utf8"));
      if (snap.tables.length !== ctx.stats.a.tables) return [`snapshot has ${snap.tables.length} tables, expected ${ctx.stats.a.tables}`];
      _r.facts = { output_bytes: statSync(file).size };
      return [];
    },
  },
  "pg-introspection": {
    describe: "node .work/snapshot/pg-introspection.cjs A: pg + makeIntrospectionQuery() + parseIntrospectionResults() (in memory)",
    command: () => [node, [peerScript("pg-introspection"), urlOf(DB_A), SCHEMAS.join(",")]],
    unavailable: () => (resolveIn("pg-introspection") ? null : "pg-introspection not installed: run npm install in bench/"),
    check: checkPeerSummary,
  },
  schemainspect: {
    describe: "node .work/snapshot/schemainspect.cjs A: @pgkit/client + get_inspector() (in memory)",
    command: () => [node, [peerScript("schemainspect"), urlOf(DB_A)]],
    unavailable: () => (resolveIn("@pgkit/schemainspect") ? null : "@pgkit/schemainspect not installed: run npm install in bench/"),
    check: checkPeerSummary,
  },
  "drydock-files": {
    describe: "node dist/bundle/main.js diff --dir <project> A.json B.json (snapshot files written beforehand; SQL on stdout)",
    command: () => [node, [drydockMain, "diff", "--dir", projectDir, snapshotFile(DB_A), snapshotFile(DB_B)]],
    unavailable: drydockMissing,
    check: (r, ctx) => checkDrydockDiff(r, ctx),
  },
  "drydock-urls": {
    describe: "node dist/bundle/main.js diff --dir <project> URL_A URL_B (snapshots both databases, one after the other, then diffs)",
    command: () => [node, [drydockMain, "diff", "--dir", projectDir, urlOf(DB_A), urlOf(DB_B)]],
    unavailable: drydockMissing,
    check: (r, ctx) => checkDrydockDiff(r, ctx),
  },
  migra: {
    describe: "node node_modules/@pgkit/migra/dist/command.js URL_A URL_B --unsafe (inspects both databases, then diffs; SQL on stdout)",
    command: () => [node, [migraCommand, urlOf(DB_A), urlOf(DB_B), "--unsafe"]],
    unavailable: () => (migraCommand ? null : "@pgkit/migra not installed: run npm install in bench/"),
    check: (r) => {
      const statements = r.stdout.split(/;\n/).filter((s) => s.trim()).length;
      if (statements === 0) return [`no statements: ${tail(r.stderr, 300)}`];
      r.facts = { statements, output_bytes: Buffer.byteLength(r.stdout) };
      return [];
    },
  },
};

/** drydock's diff is deterministic: every run must print the SQL of the correctness check. */
function checkDrydockDiff(r, ctx) {
  if (ctx.referenceDiff === null) return ["no reference diff (the correctness step failed)"];
  if (r.stdout !== ctx.referenceDiff)
    return [`SQL differs from the reference diff (${r.stdout.length} against ${ctx.referenceDiff.length} characters)`];
  r.facts = { statements: ctx.diffStatements, output_bytes: Buffer.byteLength(r.stdout) };
  return [];
}

// ---- process helper ---------------------------------------------------------------------------

const interruption = interruptible();

/** One command with stdout to `outFile`; DATABASE_URL removed so that every target is explicit. */
function timed(cmd, args, outFile) {
  const env = childEnv();
  return timedSpawn({ cmd, args, cwd: benchDir, env, outFile, timeoutS: opts.timeout, onChild: (child) => (interruption.child = child) });
}

function machineFacts() {
  const first = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim().split("\n")[0] || null;
  return {
    nproc: first("nproc", []),
    cpu_model: os.cpus()[0]?.model ?? null,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    psql: first("psql", ["--version"]),
    pg_dump: first("pg_dump", ["--version"]),
    server: (() => {
      try {
        return psql(null, "SELECT pg_catalog.version()");
      } catch {
        return null;
      }
    })(),
    drydock: describeDrydock(),
    packages: {
      "pg-introspection": pkgVersion("pg-introspection"),
      "@pgkit/schemainspect": pkgVersion("@pgkit/schemainspect"),
      "@pgkit/migra": pkgVersion("@pgkit/migra"),
      pg: pkgVersion("pg"),
    },
  };
}

// ---- preparation ------------------------------------------------------------------------------

mkdirSync(outputDir, { recursive: true });
mkdirSync(projectDir, { recursive: true });
if (existsSync(drydockBundle)) copyBundle(drydockBundle, drydockMain);
else rmSync(dirname(drydockMain), { recursive: true, force: true });
const machine = machineFacts();
const loadBefore = loadAverages();
const builtBefore = bundleBuilt();
log(`machine: ${machine.nproc} cores, node ${machine.node}, ${machine.psql}; drydock ${machine.drydock}`);

const genOptions = { tables: opts.tables, functions: opts.functions, views: opts.views, seed: opts.seed };
const schemaA = generateLargeSchema(genOptions);
const schemaB = generateModifiedSchema(genOptions);
const sqlFileA = join(workDir, "large-a.sql");
const sqlFileB = join(workDir, "large-b.sql");
writeFileSync(sqlFileA, schemaA.sql);
writeFileSync(sqlFileB, schemaB.sql);
const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 16);
writeFileSync(join(projectDir, "drydock.toml"), `[project]\nschemas = [${SCHEMAS.map((s) => `"${s}"`).join(", ")}]\n`);
for (const [tool, source] of Object.entries(PEER_SCRIPTS)) writeFileSync(peerScript(tool), source);

let exitCode = 0;
const load = { a_ms: null, b_ms: null };
const correctness = { drydock: null, migra: null };
const ctx = { stats: { a: schemaA.stats, b: schemaB.stats }, referenceDiff: null, diffStatements: null };

/** Writes a drydock snapshot file of `db` (untimed): the diff's inputs, and the comparison's. */
function writeSnapshot(db, file) {
  const r = spawnSync(node, [drydockMain, "snapshot", "--dir", projectDir, "--url", urlOf(db), "--output", file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`drydock snapshot of ${db} failed: ${tail(`${r.stdout}${r.stderr}`)}`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** The snapshot without what may differ between two databases of the same schema: sizes and row estimates, engine and version. */
const schemaPart = (snap) => JSON.stringify({ ...snap, statistics: null, source: null });

/**
 * Applies `sql` to a copy of A (CREATE DATABASE … TEMPLATE A) in one transaction, snapshots the
 * copy and compares it with B's snapshot: with drydock's compareSnapshots, as JSON (statistics
 * and source left out), and by a second drydock diff, which must come out empty.
 */
async function checkConvergence(name, sqlFile, copy, snapB, compareSnapshots) {
  const result = { applied: false, error: null, differences: null, json_equal: null, rediff_statements: null, first_differences: [] };
  dropDatabase(copy);
  psql(null, `CREATE DATABASE ${quoteIdent(copy)} TEMPLATE ${quoteIdent(DB_A)}`);
  try {
    // Only warnings and errors: migra's IF EXISTS drops print a NOTICE each, which would bury the error.
    const r = spawnSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", urlOf(copy), "-f", sqlFile], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PGOPTIONS: `${process.env.PGOPTIONS ?? ""} -c client_min_messages=warning`.trim() },
    });
    if (r.status !== 0) {
      result.error = tail(r.stderr, 600);
      return result;
    }
    result.applied = true;
    const copyFile = join(workDir, `${copy}.json`);
    const snapCopy = writeSnapshot(copy, copyFile);
    if (compareSnapshots) {
      const diffs = compareSnapshots(snapCopy, snapB);
      result.differences = diffs.length;
      result.first_differences = diffs.slice(0, 10);
    }
    result.json_equal = schemaPart(snapCopy) === schemaPart(snapB);
    const re = spawnSync(node, [drydockMain, "diff", "--dir", projectDir, "--json", copyFile, snapshotFile(DB_B)], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (re.status === 0) result.rediff_statements = JSON.parse(re.stdout).statements.length;
    return result;
  } finally {
    dropDatabase(copy);
    log(`${name}: ${JSON.stringify({ ...result, first_differences: result.first_differences.length })}`);
  }
}

let compareSnapshots = null;
try {
  ({ compareSnapshots } = await import(pathToFileURL(drydockIndex).href));
} catch (error) {
  log(`compareSnapshots not loaded from ${drydockIndex} (${error.message}); the JSON comparison and the second diff remain`);
}

const results = {};
for (const tool of ALL_TOOLS) {
  const selected = opts.tools.includes(tool);
  const why = selected ? TOOL_DEFS[tool].unavailable() : "not selected (--tools)";
  results[tool] = toolResult(TOOL_DEFS[tool].describe, why, selected ? "unavailable" : "skipped");
}

const order = [];
try {
  load.a_ms = prepareDatabase(DB_A, sqlFileA, hash(schemaA.sql));
  load.b_ms = prepareDatabase(DB_B, sqlFileB, hash(schemaB.sql));

  if (existsSync(drydockMain)) {
    const snapA = writeSnapshot(DB_A, snapshotFile(DB_A));
    const snapB = writeSnapshot(DB_B, snapshotFile(DB_B));
    log(`snapshot files: A ${snapA.tables.length} tables, B ${snapB.tables.length} tables`);
    const d = spawnSync(node, [drydockMain, "diff", "--dir", projectDir, snapshotFile(DB_A), snapshotFile(DB_B)], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const dj = spawnSync(node, [drydockMain, "diff", "--dir", projectDir, "--json", snapshotFile(DB_A), snapshotFile(DB_B)], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (d.status === 0 && dj.status === 0) {
      const { statements, destructive } = JSON.parse(dj.stdout);
      ctx.referenceDiff = d.stdout;
      ctx.diffStatements = statements.length;
      const diffFile = join(workDir, "drydock-diff.sql");
      writeFileSync(diffFile, d.stdout);
      correctness.drydock = {
        statements: statements.length,
        destructive,
        ...(await checkConvergence("drydock diff applied to a copy of A", diffFile, DB_APPLIED, snapB, compareSnapshots)),
      };
      if (!(correctness.drydock.applied && correctness.drydock.json_equal)) exitCode = 1;
    } else {
      correctness.drydock = { error: `drydock diff failed: ${tail(`${d.stdout}${d.stderr}${dj.stderr}`)}` };
      exitCode = 1;
    }
  }

  // ---- timed runs -----------------------------------------------------------------------------
  const totalRuns = opts.warmup + opts.runs;
  for (let run = 0; run < totalRuns && !interruption.interrupted; run++) {
    const runOrder = [SNAPSHOT_TOOLS, DIFF_TOOLS].flatMap((group) =>
      rotate(
        group.filter((t) => results[t].status === "ok"),
        run,
      ),
    );
    order.push({ run, warmup: run < opts.warmup, tools: runOrder });
    for (const tool of runOrder) {
      if (interruption.interrupted) break;
      const def = TOOL_DEFS[tool];
      const [cmd, args] = def.command();
      const r = await timed(cmd, args, join(outputDir, `${tool}.out`));
      if (interruption.interrupted) break;
      let problems;
      if (r.spawnError) problems = [`could not start: ${r.spawnError}`];
      else if (r.code !== 0) problems = [`exit ${r.code ?? r.signal}: ${tail(`${r.stdout.slice(-400)}\n${r.stderr}`)}`];
      else {
        try {
          problems = def.check(r, ctx);
        } catch (error) {
          problems = [`check failed: ${error.message}`];
        }
      }
      if (recordRun(results[tool], { tool, run, ms: r.ms, problems, warmup: opts.warmup, runs: opts.runs }))
        results[tool].facts = r.facts ?? null;
      else exitCode = 1;
    }
  }

  // migra's own SQL through the same check (untimed), when it ran: how close its diff gets.
  const migraOut = join(outputDir, "migra.out");
  if (results.migra.status === "ok" && results.migra.samples_ms.length && existsSync(migraOut) && !interruption.interrupted) {
    const migraFile = join(workDir, "migra-diff.sql");
    // pg-promise, under @pgkit/client, prints a warning with a stack trace on stdout; not SQL.
    const warning = /^WARNING: [^\n]*\n(?:\s+at [^\n]*\n)*/;
    writeFileSync(migraFile, readFileSync(migraOut, "utf8").replace(warning, ""));
    correctness.migra = await checkConvergence(
      "migra's SQL applied to a copy of A",
      migraFile,
      DB_MIGRA_APPLIED,
      JSON.parse(readFileSync(snapshotFile(DB_B), "utf8")),
      compareSnapshots,
    );
  }
} catch (error) {
  log(`ERROR: ${error.message}`);
  exitCode = 1;
} finally {
  for (const db of [DB_APPLIED, DB_MIGRA_APPLIED]) {
    try {
      dropDatabase(db);
    } catch {}
  }
  if (!opts.keep) {
    for (const db of [DB_A, DB_B]) {
      try {
        dropDatabase(db);
      } catch (error) {
        log(`could not drop ${db}: ${error.message}`);
      }
    }
  } else log(`kept ${DB_A} and ${DB_B} (--keep)`);
}

// ---- statistics -------------------------------------------------------------------------------

for (const [tool, r] of Object.entries(results)) {
  Object.assign(r, sampleStats(r.samples_ms));
  r.ratio = ratiosTo(r, results[SNAPSHOT_TOOLS.includes(tool) ? SNAPSHOT_REFERENCE : DIFF_REFERENCE]);
}

// ---- report -----------------------------------------------------------------------------------

const table = (tools, reference) =>
  toolTable(
    ["tool", "runs", "min ms", "median ms", "min ratio", "median ratio", `paired median ratio to ${reference}`],
    tools,
    results,
    (r) => [fmtMs(r.min_ms), fmtMs(r.median_ms), fmtRatio(r.ratio.min), fmtRatio(r.ratio.median), fmtRatio(r.ratio.paired_median)],
  );

const a = schemaA.stats;
console.log(
  `\nWorkload (seed ${opts.seed}): ${a.tables} tables in ${a.schemas} schemas, ${a.columns} columns, ${a.indexes} indexes ` +
    `(+ ${a.primary_keys} primary keys, ${a.unique_constraints} unique constraints), ${a.foreign_keys} foreign keys, ${a.check_constraints} checks, ` +
    `${a.functions} functions, ${a.views} views + ${a.materialized_views} materialized, ${a.rls_tables} tables with RLS, ${a.policies} policies, ` +
    `${a.triggers} triggers; the modified copy: ${Object.entries(schemaB.changes)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}`,
);
console.log(`Machine: ${machine.nproc} cores (${machine.cpu_model}), node ${machine.node}, ${machine.psql}, server ${machine.server}`);
console.log(`\nSnapshot of A (${opts.runs} runs after ${opts.warmup} warm-up; ratios to ${SNAPSHOT_REFERENCE})\n`);
console.log(table(SNAPSHOT_TOOLS, SNAPSHOT_REFERENCE));
console.log(`\nDiff A → B (ratios to ${DIFF_REFERENCE})\n`);
console.log(table(DIFF_TOOLS, DIFF_REFERENCE));

const notes = [];
for (const [tool, r] of Object.entries(results))
  if (r.status === "failed" || r.status === "unavailable") notes.push(`- ${tool}: ${r.status}: ${r.reason}`);
const dd = correctness.drydock;
if (dd?.error && dd.applied === undefined) notes.push(`- correctness: ${dd.error}`);
else if (dd)
  notes.push(
    `- drydock's diff (${dd.statements} statements, ${dd.destructive} destructive) applied to a copy of A in one transaction: ` +
      (dd.applied
        ? `applied; its snapshot ${dd.json_equal ? "equals" : "DIFFERS from"} B's (JSON without statistics and source), ` +
          `compareSnapshots: ${dd.differences ?? "–"} differences, a second diff: ${dd.rediff_statements ?? "–"} statements`
        : `FAILED: ${dd.error}`),
  );
const mg = correctness.migra;
if (mg)
  notes.push(
    `- migra's SQL (${results.migra.facts?.statements ?? "?"} statements) applied to a copy of A: ` +
      (mg.applied
        ? `applied; compareSnapshots against B: ${mg.differences ?? "–"} differences, drydock's diff from there: ${mg.rediff_statements ?? "–"} statements`
        : `failed: ${mg.error}`),
  );
const paired = (tool) => results[tool].ratio.paired_median;
if (paired("drydock") !== null)
  notes.push(
    `- goal snapshot ≤ ${GOALS.snapshotRatio.toFixed(1)}× pg_dump: paired median ${fmtRatio(paired("drydock"))}: ${paired("drydock") <= GOALS.snapshotRatio ? "met" : "NOT met"}`,
  );
const dm = results["drydock-files"].median_ms;
if (dm !== null)
  notes.push(
    `- goal diff of two snapshot files + SQL < ${GOALS.diffMs} ms: median ${fmtMs(dm)} ms: ${dm < GOALS.diffMs ? "met" : "NOT met"}`,
  );
if (paired("migra") !== null)
  notes.push(
    `- goal ${GOALS.aheadOfMigra}× ahead of migra: migra / drydock-files paired median ${paired("migra").toFixed(1)}×: ${paired("migra") >= GOALS.aheadOfMigra ? "met" : "NOT met"}` +
      (paired("drydock-urls") !== null
        ? `; migra / drydock-urls (like for like: both read two databases) ${(paired("migra") / paired("drydock-urls")).toFixed(1)}×`
        : ""),
  );
if (load.a_ms !== null)
  notes.push(`- loading with psql: A ${(load.a_ms / 1000).toFixed(1)} s, B ${((load.b_ms ?? 0) / 1000).toFixed(1)} s`);
if (opts.keep) notes.push(`- kept ${DB_A} and ${DB_B} (--keep)`);
const builtAfter = bundleBuilt();
if (builtBefore !== builtAfter)
  notes.push(
    `- dist/bundle/main.js was rebuilt during the benchmark (${builtBefore} -> ${builtAfter}); drydock ran from the copy made at start`,
  );
console.log(`\n${notes.join("\n")}`);
if (interruption.interrupted) exitCode = 130;

writeResults("snapshot", interruption.interrupted, {
  options: opts,
  machine: { ...machine, loadavg_before: loadBefore, loadavg_after: loadAverages() },
  drydock_rebuilt_during_run: builtBefore !== builtAfter,
  goals: GOALS,
  workload: {
    a: schemaA.stats,
    b: schemaB.stats,
    changes: schemaB.changes,
    sql_bytes: { a: schemaA.sql.length, b: schemaB.sql.length },
    load,
  },
  correctness,
  order,
  tools: results,
});
process.exit(exitCode);
