#!/usr/bin/env node
// Apply benchmark: N generated migrations applied to a fresh database by drydock, by psql in one
// transaction (the lower bound) and by peer tools, several runs, tools interleaved per run.
//
//   node bench/apply-benchmark.mjs [--count 300] [--runs 5] [--warmup 1] [--seed 1]
//        [--url postgres://postgres@127.0.0.1:5432/postgres] [--tools drydock,psql-single-tx]
//        [--timeout 600]
//
// Needs `cd bench && npm install` (peers) and, for drydock, `npm run build` at the repository root.
// Each apply is timed as the wall time of a child process (spawn to exit). Before it the script
// creates bench_<tool>_<run> and runs CHECKPOINT; after it, it asserts exit code 0 and that the
// database holds every generated table, the expected total row count and the last migration's
// objects; then it drops the database (also on failure or Ctrl-C). Results go to stdout as a
// Markdown table and to bench/.work/apply-results.json.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { generateProject, writeProject } from "./generate-migrations.mjs";
import { median, timedSpawn } from "./lib.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "..");
const workDir = join(benchDir, ".work");
const require = createRequire(join(benchDir, "package.json"));

const LOWER_BOUND = "psql-single-tx";
const ALL_TOOLS = ["psql-single-tx", "drydock", "drydock-no-verify", "dbmate", "postgres-migrations", "node-pg-migrate", "node-pg-migrate-per-tx"];

function parseArgs(argv) {
  const opts = {
    count: 300,
    runs: 5,
    warmup: 1,
    seed: 1,
    url: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    tools: ALL_TOOLS,
    timeout: 600,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const int = (min) => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < min) usage(`${flag} must be an integer >= ${min}`);
      return v;
    };
    if (flag === "--count") opts.count = int(1);
    else if (flag === "--runs") opts.runs = int(1);
    else if (flag === "--warmup") opts.warmup = int(0);
    else if (flag === "--seed") opts.seed = int(0);
    else if (flag === "--timeout") opts.timeout = int(1);
    else if (flag === "--url") opts.url = value();
    else if (flag === "--tools") {
      opts.tools = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const t of opts.tools) if (!ALL_TOOLS.includes(t)) usage(`unknown tool ${t}; known: ${ALL_TOOLS.join(", ")}`);
    } else if (flag === "--help" || flag === "-h") usage(null);
    else usage(`unknown argument: ${a}`);
  }
  return opts;
}

function usage(error) {
  const text =
    "usage: node bench/apply-benchmark.mjs [--count 300] [--runs 5] [--warmup 1] [--seed 1]\n" +
    "         [--url postgres://postgres@127.0.0.1:5432/postgres] [--tools a,b,...] [--timeout 600]\n" +
    `tools: ${ALL_TOOLS.join(", ")}`;
  if (error) {
    console.error(`${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const log = (msg) => process.stderr.write(`${msg}\n`);

function dbUrl(base, name) {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}
function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
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
const drydockMain = join(repoDir, "dist", "cli", "main.js");
const resolveIn = (spec) => {
  try {
    return require.resolve(spec);
  } catch {
    return null;
  }
};
const dbmateBin = resolveIn(`@dbmate/${process.platform}-${process.arch}/bin/dbmate${process.platform === "win32" ? ".exe" : ""}`);
const nodePgMigrateBin = (() => {
  const pkg = resolveIn("node-pg-migrate/package.json");
  return pkg ? join(dirname(pkg), "bin", "node-pg-migrate.js") : null;
})();
const pkgVersion = (name) => {
  const p = resolveIn(`${name}/package.json`);
  return p ? JSON.parse(readFileSync(p, "utf8")).version : null;
};

/** Each tool: how to run one apply against `url`, or why it cannot run. */
const TOOL_DEFS = {
  "psql-single-tx": {
    describe: "psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f all.sql (all migrations concatenated)",
    command: (url) => ["psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", url, "-f", allSql]],
    version: () => spawnSync("psql", ["--version"], { encoding: "utf8" }).stdout?.trim() || null,
  },
  drydock: {
    describe: "node dist/cli/main.js apply --url URL --dir .work/project --quiet",
    command: (url, dir = projectDir) => [node, [drydockMain, "apply", "--url", url, "--dir", dir, "--quiet"]],
    unavailable: () => (existsSync(drydockMain) ? null : `${drydockMain} not found (run npm run build at the repository root)`),
    version: () => {
      // dist/ is built from the working tree: record what it was built next to.
      const head = spawnSync("git", ["-C", repoDir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout?.trim();
      const built = existsSync(drydockMain) ? statSync(drydockMain).mtime.toISOString() : "not built";
      const version = JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8")).version;
      return `${version} (HEAD ${head || "?"}, dist/cli/main.js built ${built})`;
    },
  },
  // The same apply without the verification suite after it (no before/after snapshots, no
  // checks): what drydock's safety net costs on top of applying.
  "drydock-no-verify": {
    describe: "node dist/cli/main.js apply --url URL --dir .work/project --quiet --no-verify",
    command: (url, dir = projectDir) => [node, [drydockMain, "apply", "--url", url, "--dir", dir, "--quiet", "--no-verify"]],
    unavailable: () => (existsSync(drydockMain) ? null : `${drydockMain} not found (run npm run build at the repository root)`),
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

let currentChild = null;
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: stopping after cleanup`);
    if (currentChild) currentChild.kill("SIGKILL");
  });
}

/** Runs one command in the work folder; resolves with exit code, signal, wall time and captured output. */
function timed(cmd, args, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  if (!("DATABASE_URL" in extraEnv)) delete env.DATABASE_URL;
  return timedSpawn({ cmd, args, cwd: workDir, env, timeoutS: opts.timeout, onChild: (child) => (currentChild = child) });
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

const tail = (s, n = 800) => (s.length > n ? `…${s.slice(-n)}` : s).trim();

// ---- preparation ------------------------------------------------------------------------------

const slugPattern = new RegExp(`^bench_(${ALL_TOOLS.map(slug).join("|")})_(\\d+|probe)$`);
let exitCode = 0;
const results = {};
const serverVersion = (await admin.query("SELECT version() AS v")).rows[0].v;
const loadBefore = os.loadavg();

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
      const url = dbUrl(opts.url, name);
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
            ? `apply exited 0 but created nothing: dist/cli/main.js does not implement apply yet (output: ${JSON.stringify(said)})`
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
  for (let run = 0; run < totalRuns && !interrupted; run++) {
    const isWarmup = run < opts.warmup;
    const active = opts.tools.filter((t) => results[t].status === "ok");
    if (active.length === 0) break;
    // Rotate the order each run so that no tool always runs first or right after another.
    const k = run % active.length;
    const runOrder = [...active.slice(k), ...active.slice(0, k)];
    order.push({ run, warmup: isWarmup, tools: runOrder });
    for (const tool of runOrder) {
      if (interrupted) break;
      const name = `bench_${slug(tool)}_${run}`;
      const url = dbUrl(opts.url, name);
      try {
        await createDb(name);
        await admin.query("CHECKPOINT");
        const [cmd, args, env] = TOOL_DEFS[tool].command(url);
        const r = await timed(cmd, args, env);
        if (interrupted) break;
        const problems = [];
        if (r.spawnError) problems.push(`could not start: ${r.spawnError}`);
        else if (r.code !== 0) problems.push(`exit ${r.code ?? r.signal}: ${tail(`${r.stdout}\n${r.stderr}`)}`);
        else problems.push(...(await verify(url)));
        if (problems.length > 0) {
          results[tool].status = "failed";
          results[tool].reason = `run ${run}: ${problems.join("; ")}`;
          exitCode = 1;
          log(`${tool} run ${run}: FAILED: ${problems.join("; ")}`);
        } else {
          (isWarmup ? results[tool].warmup_ms : results[tool].samples_ms).push(Math.round(r.ms * 10) / 10);
          log(`${isWarmup ? "warmup" : `run ${run - opts.warmup + 1}/${opts.runs}`} ${tool}: ${r.ms.toFixed(0)} ms`);
        }
      } finally {
        await dropDb(name);
      }
    }
  }
  if (interrupted) exitCode = 130;

  // ---- report ---------------------------------------------------------------------------------
  const lb = results[LOWER_BOUND];
  const lbOk = lb?.status === "ok" && lb.samples_ms.length > 0;
  for (const r of Object.values(results)) {
    const n = r.samples_ms.length;
    r.runs = n;
    r.min_ms = n ? Math.min(...r.samples_ms) : null;
    r.median_ms = median(r.samples_ms);
    r.min_ratio = lbOk && n ? r.min_ms / Math.min(...lb.samples_ms) : null;
    r.median_ratio = lbOk && n ? r.median_ms / median(lb.samples_ms) : null;
    // Ratio to the lower bound measured in the same run (less sensitive to drifting noise).
    const paired = lbOk
      ? r.samples_ms.map((ms, i) => (i < lb.samples_ms.length ? ms / lb.samples_ms[i] : null)).filter((x) => x !== null)
      : [];
    r.paired_median_ratio = r.status === "ok" && paired.length ? median(paired) : null;
  }

  const fmtMs = (x) => (x === null ? "–" : x.toFixed(0));
  const fmtR = (x) => (x === null ? "–" : `${x.toFixed(2)}×`);
  const lines = [
    "| tool | runs | min ms | median ms | min ratio | median ratio | paired median ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const tool of opts.tools) {
    const r = results[tool];
    if (r.status === "unavailable") {
      lines.push(`| ${tool} | unavailable | – | – | – | – | – |`);
      continue;
    }
    const label = r.status === "failed" ? `${tool} (FAILED)` : tool;
    lines.push(
      `| ${label} | ${r.runs} | ${fmtMs(r.min_ms)} | ${fmtMs(r.median_ms)} | ${fmtR(r.min_ratio)} | ${fmtR(r.median_ratio)} | ${fmtR(r.paired_median_ratio)} |`,
    );
  }
  const notes = opts.tools.filter((t) => results[t].status !== "ok").map((t) => `- ${t}: ${results[t].status}: ${results[t].reason}`);
  console.log(
    `\nApply ${project.migrations.length} migrations (seed ${opts.seed}); ${opts.runs} runs after ${opts.warmup} warm-up; ratios to ${LOWER_BOUND}\n`,
  );
  console.log(lines.join("\n"));
  if (notes.length) console.log(`\n${notes.join("\n")}`);

  const out = {
    benchmark: "apply",
    interrupted,
    created_at: new Date().toISOString(),
    options: { ...opts, url: redact(opts.url) },
    workload: {
      migrations: project.migrations.length,
      tables: project.tables.length,
      rows: project.expectedRows,
      last_migration: lastMigration.file,
    },
    machine: {
      cpus: os.availableParallelism?.() ?? os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      postgres: serverVersion,
      loadavg_before: loadBefore.map((x) => Math.round(x * 100) / 100),
      loadavg_after: os.loadavg().map((x) => Math.round(x * 100) / 100),
    },
    lower_bound: LOWER_BOUND,
    order,
    tools: results,
  };
  writeFileSync(join(workDir, "apply-results.json"), `${JSON.stringify(out, null, 2)}\n`);
  log(`\nresults written to ${join(workDir, "apply-results.json")}`);
} finally {
  await admin.end();
}
process.exit(exitCode);
