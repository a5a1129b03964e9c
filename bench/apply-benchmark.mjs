#!/usr/bin/env node
// Apply benchmark: N generated migrations applied to a fresh database by drydock, by psql in one
// transaction (the lower bound) and by peer tools, several runs, tools interleaved per run.
//
//   node bench/apply-benchmark.mjs [--count 300] [--runs 5] [--warmup 1] [--seed 1]
//        [--url postgres://postgres@127.0.0.1:5432/postgres] [--tools drydock,psql-single-tx]
//        [--timeout 600]
//
// Needs `cd bench && npm install` (peers) and, for drydock, `npm run build` at the repository root
// (drydock runs from dist/bundle/main.js, the `drydock` of package.json).
// Each apply is timed as the wall time of a child process (spawn to exit). Before it the script
// creates bench_<tool>_<run> and runs CHECKPOINT; after it, it asserts exit code 0 and that the
// database holds every generated table, the expected total row count and the last migration's
// objects; then it drops the database (also on failure or Ctrl-C). Results go to stdout as a
// Markdown table and to bench/.work/apply-results.json.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { atLeast, integer, namesOf, parseCommandLine, text } from "./command-line.mjs";
import { describeDrydock, drydockBundle as drydockMain, hostFacts, loadAverages, pkgVersion, resolveIn } from "./environment.mjs";
import { generateProject, writeProject } from "./generate-migrations.mjs";
import { childEnv, databaseUrl, defaultDatabaseUrl, interruptible, log, median, redactUrl, rotate, tail, timedSpawn } from "./lib.mjs";
import { fmtMs, fmtRatio, recordRun, sampleStats, toolTable, writeResults } from "./results.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const workDir = join(benchDir, ".work");

const LOWER_BOUND = "psql-single-tx";
const PEERS = ["dbmate", "postgres-migrations", "node-pg-migrate", "node-pg-migrate-per-tx"];
const ALL_TOOLS = ["psql-single-tx", "drydock", "drydock-no-verify", ...PEERS];

const opts = parseCommandLine(process.argv.slice(2), {
  usage:
    "usage: node bench/apply-benchmark.mjs [--count 300] [--runs 5] [--warmup 1] [--seed 1]\n" +
    "         [--url postgres://postgres@127.0.0.1:5432/postgres] [--tools a,b,...] [--timeout 600]\n" +
    `tools: ${ALL_TOOLS.join(", ")}`,
  defaults: { count: 300, runs: 5, warmup: 1, seed: 1, url: defaultDatabaseUrl, tools: ALL_TOOLS, timeout: 600 },
  flags: {
    ...atLeast(integer, { "--count": 1, "--runs": 1, "--warmup": 0, "--seed": 0, "--timeout": 1 }),
    "--url": text,
    "--tools": namesOf(ALL_TOOLS, "tool"),
  },
});

const slug = (tool) => tool.replace(/[^a-z0-9]+/g, "_");
const ident = (name) => `"${name.replace(/"/g, '""')}"`;

// ---- workload ---------------------------------------------------------------------------------

const project = generateProject({ count: opts.count, seed: opts.seed });
const projectDir = join(workDir, "project");
const migrationsDir = join(projectDir, "migrations");
const dbmateDir = join(workDir, "dbmate-migrations");
const allSql = join(workDir, "all.sql");
const probeDir = join(workDir, "drydock-probe");

mkdirSync(workDir, { recursive: true });
writeProject(project, projectDir);
writeFileSync(allSql, project.migrations.map((m) => m.sql).join("\n"));
rmSync(dbmateDir, { recursive: true, force: true });
mkdirSync(dbmateDir, { recursive: true });
for (const m of project.migrations) writeFileSync(join(dbmateDir, m.file), `-- migrate:up\n${m.sql}\n-- migrate:down\n`);
writeProject(
  {
    drydockToml: project.drydockToml,
    migrations: [{ file: "0001_probe.sql", sql: "CREATE TABLE drydock_bench_probe (id integer PRIMARY KEY);\n" }],
  },
  probeDir,
);
const lastMigration = project.migrations[project.migrations.length - 1];
log(
  `workload: ${project.migrations.length} migrations (seed ${opts.seed}), ${project.tables.length} tables, ` +
    `${project.expectedRows} rows, in ${projectDir}`,
);

// ---- tools ------------------------------------------------------------------------------------

const node = process.execPath;
// The bundle that `npx drydock` runs (package.json bin), as in the other benchmarks.
const drydockMissing = () => (existsSync(drydockMain) ? null : `${drydockMain} not found (run npm run build at the repository root)`);
const dbmateBin = resolveIn(`@dbmate/${process.platform}-${process.arch}/bin/dbmate${process.platform === "win32" ? ".exe" : ""}`);
const nodePgMigrateBin = (() => {
  const pkg = resolveIn("node-pg-migrate/package.json");
  return pkg ? join(dirname(pkg), "bin", "node-pg-migrate.js") : null;
})();

/** Each tool: how to run one apply against `url`, or why it cannot run. */
const TOOL_DEFS = {
  "psql-single-tx": {
    describe: "psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f all.sql (all migrations concatenated)",
    command: (url) => ["psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", url, "-f", allSql]],
    version: () => spawnSync("psql", ["--version"], { encoding: "utf8" }).stdout?.trim() || null,
  },
  drydock: {
    describe: "node dist/bundle/main.js apply --url URL --dir .work/project --quiet",
    command: (url, dir = projectDir) => [node, [drydockMain, "apply", "--url", url, "--dir", dir, "--quiet"]],
    unavailable: drydockMissing,
    version: describeDrydock,
  },
  // The same apply without the verification suite after it (no before/after snapshots, no
  // checks): what drydock's safety net costs on top of applying.
  "drydock-no-verify": {
    describe: "node dist/bundle/main.js apply --url URL --dir .work/project --quiet --no-verify",
    command: (url, dir = projectDir) => [node, [drydockMain, "apply", "--url", url, "--dir", dir, "--quiet", "--no-verify"]],
    unavailable: drydockMissing,
    version: () => "as drydock",
  },
  dbmate: {
    describe: "dbmate --url URL?sslmode=disable --migrations-dir .work/dbmate-migrations --no-dump-schema up (native binary)",
    command: (url) => {
      const u = new URL(url);
      u.searchParams.set("sslmode", "disable");
      return [dbmateBin, ["--url", u.toString(), "--migrations-dir", dbmateDir, "--no-dump-schema", "up"]];
    },
    unavailable: () => (dbmateBin ? null : "dbmate binary not found: run npm install in bench/"),
    version: () => pkgVersion("dbmate"),
  },
  "postgres-migrations": {
    describe: "node peers/postgres-migrations.mjs URL .work/project/migrations (migrate({client}, dir))",
    command: (url) => [node, [join(benchDir, "peers", "postgres-migrations.mjs"), url, migrationsDir]],
    unavailable: () => (pkgVersion("postgres-migrations") ? null : "postgres-migrations not installed: run npm install in bench/"),
    version: () => pkgVersion("postgres-migrations"),
  },
  "node-pg-migrate": {
    describe: "DATABASE_URL=URL node-pg-migrate up -m .work/project/migrations --no-verbose (default: one transaction for the run)",
    command: (url) => [node, [nodePgMigrateBin, "up", "-m", migrationsDir, "--no-verbose"], { DATABASE_URL: url }],
    unavailable: () => (nodePgMigrateBin ? null : "node-pg-migrate not installed: run npm install in bench/"),
    version: () => pkgVersion("node-pg-migrate"),
  },
  "node-pg-migrate-per-tx": {
    describe: "node-pg-migrate up ... --no-verbose --no-single-transaction (one transaction per migration)",
    command: (url) => [
      node,
      [nodePgMigrateBin, "up", "-m", migrationsDir, "--no-verbose", "--no-single-transaction"],
      { DATABASE_URL: url },
    ],
    unavailable: () => (nodePgMigrateBin ? null : "node-pg-migrate not installed: run npm install in bench/"),
    version: () => pkgVersion("node-pg-migrate"),
  },
};

// ---- process and database helpers ---------------------------------------------------------------

const interruption = interruptible("stopping after cleanup");

/** Runs one command in the work folder; resolves with exit code, signal, wall time and captured output. */
function timed(cmd, args, extraEnv = {}) {
  const env = childEnv(extraEnv);
  return timedSpawn({ cmd, args, cwd: workDir, env, timeoutS: opts.timeout, onChild: (child) => (interruption.child = child) });
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const admin = new pg.Client({ connectionString: opts.url });
await admin.connect();

async function dropDb(name) {
  await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
}
async function createDb(name) {
  await dropDb(name);
  await admin.query(`CREATE DATABASE ${ident(name)}`);
}

/** Checks that the apply really happened: every table, every backfilled row, the last migration. */
async function verify(url) {
  return withClient(url, async (c) => {
    const problems = [];
    const { rows: t } = await c.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY($1)`,
      [project.tables],
    );
    if (t[0].n !== project.tables.length) problems.push(`${t[0].n} of ${project.tables.length} tables exist`);
    else {
      const sum = project.tables.map((name) => `(SELECT count(*) FROM public.${ident(name)})`).join(" + ");
      const { rows: r } = await c.query(`SELECT (${sum})::bigint AS n`);
      if (Number(r[0].n) !== project.expectedRows) problems.push(`${r[0].n} rows, expected ${project.expectedRows}`);
    }
    try {
      const { rows: l } = await c.query(lastMigration.check);
      if (Object.values(l[0] ?? {})[0] !== true) problems.push(`objects of the last migration ${lastMigration.file} missing`);
    } catch (e) {
      problems.push(`check of the last migration ${lastMigration.file} failed: ${e.message}`);
    }
    return problems;
  });
}

// ---- preparation ------------------------------------------------------------------------------

const slugPattern = new RegExp(`^bench_(${ALL_TOOLS.map(slug).join("|")})_(\\d+|probe)$`);
let exitCode = 0;
const results = {};
const serverVersion = (await admin.query("SELECT version() AS v")).rows[0].v;
const loadBefore = loadAverages();

try {
  // Databases left behind by an interrupted earlier run (this script's naming only).
  const { rows: leftovers } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'");
  for (const { datname } of leftovers)
    if (slugPattern.test(datname)) {
      log(`dropping leftover database ${datname}`);
      await dropDb(datname);
    }

  for (const tool of opts.tools) {
    const def = TOOL_DEFS[tool];
    results[tool] = {
      status: "ok",
      reason: null,
      command: def.describe,
      version: def.version?.() ?? null,
      samples_ms: [],
      warmup_ms: [],
    };
    const why = def.unavailable?.();
    if (why) Object.assign(results[tool], { status: "unavailable", reason: why });
  }

  // drydock's CLI is being written: probe that `apply` really applies before timing it.
  if (results.drydock?.status === "ok") {
    const name = "bench_drydock_probe";
    try {
      await createDb(name);
      const url = databaseUrl(opts.url, name);
      const [cmd, args] = TOOL_DEFS.drydock.command(url, probeDir);
      const r = await timed(cmd, args);
      let created = false;
      if (r.code === 0)
        created = await withClient(url, async (c) => {
          const { rows } = await c.query("SELECT to_regclass('public.drydock_bench_probe') IS NOT NULL AS ok");
          return rows[0].ok;
        });
      if (r.code !== 0 || !created) {
        const said = tail(`${r.stdout}\n${r.stderr}`, 300).replace(/\s+/g, " ");
        results.drydock.status = "unavailable";
        results.drydock.reason =
          r.code === 0
            ? `apply exited 0 but created nothing: dist/bundle/main.js does not implement apply yet (output: ${JSON.stringify(said)})`
            : `apply of a one-migration probe exited ${r.code ?? r.signal}: ${said}`;
      }
    } finally {
      await dropDb(name);
    }
  }
  for (const [tool, r] of Object.entries(results)) if (r.status !== "ok") log(`${tool}: unavailable: ${r.reason}`);

  // ---- runs -----------------------------------------------------------------------------------
  const order = [];
  const totalRuns = opts.warmup + opts.runs;
  for (let run = 0; run < totalRuns && !interruption.interrupted; run++) {
    const active = opts.tools.filter((t) => results[t].status === "ok");
    if (active.length === 0) break;
    const runOrder = rotate(active, run);
    order.push({ run, warmup: run < opts.warmup, tools: runOrder });
    for (const tool of runOrder) {
      if (interruption.interrupted) break;
      const name = `bench_${slug(tool)}_${run}`;
      const url = databaseUrl(opts.url, name);
      try {
        await createDb(name);
        await admin.query("CHECKPOINT");
        const [cmd, args, env] = TOOL_DEFS[tool].command(url);
        const r = await timed(cmd, args, env);
        if (interruption.interrupted) break;
        const problems = [];
        if (r.spawnError) problems.push(`could not start: ${r.spawnError}`);
        else if (r.code !== 0) problems.push(`exit ${r.code ?? r.signal}: ${tail(`${r.stdout}\n${r.stderr}`)}`);
        else problems.push(...(await verify(url)));
        if (!recordRun(results[tool], { tool, run, ms: r.ms, problems, warmup: opts.warmup, runs: opts.runs })) exitCode = 1;
      } finally {
        await dropDb(name);
      }
    }
  }
  if (interruption.interrupted) exitCode = 130;

  // ---- report ---------------------------------------------------------------------------------
  const lb = results[LOWER_BOUND];
  const lbOk = lb?.status === "ok" && lb.samples_ms.length > 0;
  for (const r of Object.values(results)) {
    const n = r.samples_ms.length;
    Object.assign(r, sampleStats(r.samples_ms));
    r.min_ratio = lbOk && n ? r.min_ms / Math.min(...lb.samples_ms) : null;
    r.median_ratio = lbOk && n ? r.median_ms / median(lb.samples_ms) : null;
    // Ratio to the lower bound measured in the same run (less sensitive to drifting noise).
    const paired = lbOk
      ? r.samples_ms.map((ms, i) => (i < lb.samples_ms.length ? ms / lb.samples_ms[i] : null)).filter((x) => x !== null)
      : [];
    r.paired_median_ratio = r.status === "ok" && paired.length ? median(paired) : null;
  }

  const headers = ["tool", "runs", "min ms", "median ms", "min ratio", "median ratio", "paired median ratio"];
  const table = toolTable(headers, opts.tools, results, (r) => [
    fmtMs(r.min_ms),
    fmtMs(r.median_ms),
    fmtRatio(r.min_ratio),
    fmtRatio(r.median_ratio),
    fmtRatio(r.paired_median_ratio),
  ]);
  const notes = opts.tools.filter((t) => results[t].status !== "ok").map((t) => `- ${t}: ${results[t].status}: ${results[t].reason}`);
  console.log(
    `\nApply ${project.migrations.length} migrations (seed ${opts.seed}); ${opts.runs} runs after ${opts.warmup} warm-up; ratios to ${LOWER_BOUND}\n`,
  );
  console.log(table);
  if (notes.length) console.log(`\n${notes.join("\n")}`);

  writeResults("apply", interruption.interrupted, {
    options: { ...opts, url: redactUrl(opts.url) },
    workload: {
      migrations: project.migrations.length,
      tables: project.tables.length,
      rows: project.expectedRows,
      last_migration: lastMigration.file,
    },
    machine: { ...hostFacts(), postgres: serverVersion, loadavg_before: loadBefore, loadavg_after: loadAverages() },
    lower_bound: LOWER_BOUND,
    order,
    tools: results,
  });
} finally {
  await admin.end();
}
process.exit(exitCode);
