#!/usr/bin/env node
// Plan benchmark: `drydock plan` of N generated migrations, cold (no analysis cache) and warm
// (cache of the previous run kept), against squawk linting the same files, several runs, tools
// interleaved per run.
//
//   node bench/plan-benchmark.mjs [--counts 300,3000] [--runs 7] [--warmup 1] [--seed 1] [--timeout 600]
//
// Needs `cd bench && npm install` (squawk-cli and its native binary) and `npm run build` at the
// repository root (drydock runs from dist/bundle/main.js). No database: plan without --url or
// --env plans every migration from the files alone. Each tool is timed as the wall time of a
// child process (spawn to exit) whose stdout goes to a file under bench/.work/plan-output/, checked
// afterwards: squawk must exit 0 or 1 (1 = it found violations) and report that it checked every
// file; drydock must exit 0 and print a JSON plan of every migration. Results go to stdout as
// Markdown tables and to bench/.work/plan-results.json.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateProject, writeProject } from "./generate-migrations.mjs";
import { median, timedSpawn } from "./lib.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "..");
const workDir = join(benchDir, ".work");
const outputDir = join(workDir, "plan-output");
const require = createRequire(join(benchDir, "package.json"));

const REFERENCE = "squawk";
const SECOND_REFERENCE = "squawk-npm";
const TOOLS = ["squawk", "squawk-npm", "drydock-cold", "drydock-warm"];
const GOALS = { count: 3000, "drydock-cold": 2, "drydock-warm": 0.5 };

function parseArgs(argv) {
  const opts = { counts: [300, 3000], runs: 7, warmup: 1, seed: 1, timeout: 600 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const int = (min, v = value()) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) usage(`${flag} must be an integer >= ${min}`);
      return n;
    };
    if (flag === "--counts" || flag === "--count")
      opts.counts = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => int(1, s));
    else if (flag === "--runs") opts.runs = int(1);
    else if (flag === "--warmup") opts.warmup = int(0);
    else if (flag === "--seed") opts.seed = int(0);
    else if (flag === "--timeout") opts.timeout = int(1);
    else if (flag === "--help" || flag === "-h") usage(null);
    else usage(`unknown argument: ${a}`);
  }
  if (opts.counts.length === 0) usage("--counts needs at least one count");
  return opts;
}

function usage(error) {
  const text = "usage: node bench/plan-benchmark.mjs [--counts 300,3000] [--runs 7] [--warmup 1] [--seed 1] [--timeout 600]";
  if (error) {
    console.error(`${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const log = (msg) => process.stderr.write(`${msg}\n`);
const tail = (s, n = 800) => (s.length > n ? `…${s.slice(-n)}` : s).trim();
const round1 = (x) => Math.round(x * 10) / 10;

// ---- workloads --------------------------------------------------------------------------------

/**
 * Writes the project for `count` into .work/plan-<count>/ unless every file there already has the
 * generated content (then the files, and any analysis cache next to them, are reused as they are).
 */
function prepareWorkload(count) {
  const project = generateProject({ count, seed: opts.seed });
  const dir = join(workDir, `plan-${count}`);
  const migDir = join(dir, "migrations");
  const wanted = new Map(project.migrations.map((m) => [m.file, m.sql]));
  const toml = join(dir, "drydock.toml");
  let reuse = existsSync(migDir) && existsSync(toml) && readFileSync(toml, "utf8") === project.drydockToml;
  if (reuse) {
    const present = readdirSync(migDir).filter((f) => f.endsWith(".sql"));
    reuse = present.length === wanted.size && present.every((f) => wanted.get(f) === readFileSync(join(migDir, f), "utf8"));
  }
  if (!reuse) writeProject(project, dir);
  const files = project.migrations.map((m) => `migrations/${m.file}`);
  const bytes = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  const lines = project.migrations.reduce((sum, m) => sum + m.sql.split("\n").length - (m.sql.endsWith("\n") ? 1 : 0), 0);
  log(
    `workload ${count}: ${reuse ? "reused" : "written"} ${dir}: ${files.length} files, ${bytes} bytes, ${lines} lines, ${project.tables.length} tables`,
  );
  return { count, dir, files, bytes, lines, tables: project.tables.length, reused: reuse };
}

// ---- tools ------------------------------------------------------------------------------------

const node = process.execPath;
const drydockMain = join(repoDir, "dist", "bundle", "main.js");
const resolveIn = (spec) => {
  try {
    return require.resolve(spec);
  } catch {
    return null;
  }
};
const squawkBin = resolveIn(`@squawk-cli/${process.platform}-${process.arch}/bin/squawk${process.platform === "win32" ? ".exe" : ""}`);
const squawkLauncher = (() => {
  const pkg = resolveIn("squawk-cli/package.json");
  return pkg ? join(dirname(pkg), JSON.parse(readFileSync(pkg, "utf8")).bin.squawk) : null;
})();
const pkgVersion = (name) => {
  const p = resolveIn(`${name}/package.json`);
  return p ? JSON.parse(readFileSync(p, "utf8")).version : null;
};
const bundleBuilt = () => (existsSync(drydockMain) ? statSync(drydockMain).mtime.toISOString() : null);
const cacheDir = (w) => join(w.dir, ".drydock", "cache");
/** The files of the analysis cache (name and bytes), or [] when there is none. */
function cacheFiles(w) {
  const d = cacheDir(w);
  if (!existsSync(d)) return [];
  return readdirSync(d).map((name) => ({ name, bytes: statSync(join(d, name)).size }));
}

const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** squawk's tty reporter ends with "Found N issues in M files (checked K source files)". */
function checkSquawk(r, w) {
  if (r.code !== 0 && r.code !== 1) return [`exit ${r.code ?? r.signal}: ${tail(`${r.stdout}\n${r.stderr}`)}`];
  const text = r.stdout.replace(ANSI_COLOR, "");
  const m = text.match(/checked (\d+) source files?\)/);
  if (!m) return [`exit ${r.code}, but no "checked N source files" in its output: ${tail(`${text}\n${r.stderr}`, 400)}`];
  if (Number(m[1]) !== w.count) return [`checked ${m[1]} source files, expected ${w.count}`];
  const found = text.match(/Found (\d+) issues? in (\d+) files?/);
  r.facts = { exit: r.code, checked: Number(m[1]), issues: found ? Number(found[1]) : 0, files_with_issues: found ? Number(found[2]) : 0 };
  return [];
}

function checkDrydock(r, w) {
  if (r.code !== 0) return [`exit ${r.code ?? r.signal}: ${tail(`${r.stdout}\n${r.stderr}`)}`];
  let plan;
  try {
    plan = JSON.parse(r.stdout);
  } catch (e) {
    return [`stdout is not JSON (${e.message}): ${tail(r.stdout, 300)}`];
  }
  const n = plan?.migrations?.length;
  if (n !== w.count) return [`plan has ${n} migrations, expected ${w.count}`];
  r.facts = { migrations: n, findings: plan.findings?.length ?? null, output_bytes: Buffer.byteLength(r.stdout) };
  return [];
}

const drydockArgs = (w) => [drydockMain, "plan", "--dir", w.dir, "--format", "json"];

/** Each tool: the command for one workload, what to do before it (untimed), how to check it. */
const TOOL_DEFS = {
  squawk: {
    describe: "squawk migrations/0001_….sql … (all files as arguments; the native binary of @squawk-cli/<platform>, default tty reporter)",
    command: (w) => [squawkBin, w.files],
    unavailable: () => (squawkBin ? null : "squawk binary not found: run npm install in bench/"),
    check: checkSquawk,
  },
  "squawk-npm": {
    describe:
      "node node_modules/squawk-cli/js/bin/squawk … (what node_modules/.bin/squawk and npx run: a node launcher that spawns the binary)",
    command: (w) => [node, [squawkLauncher, ...w.files]],
    unavailable: () => (squawkLauncher && squawkBin ? null : "squawk-cli not installed: run npm install in bench/"),
    check: checkSquawk,
  },
  "drydock-cold": {
    describe: "rm -rf <dir>/.drydock/cache (untimed); node dist/bundle/main.js plan --dir <dir> --format json",
    before: (w) => rmSync(cacheDir(w), { recursive: true, force: true }),
    command: (w) => [node, drydockArgs(w)],
    unavailable: () => (existsSync(drydockMain) ? null : `${drydockMain} not found (run npm run build at the repository root)`),
    check: checkDrydock,
  },
  "drydock-warm": {
    describe: "node dist/bundle/main.js plan --dir <dir> --format json, cache of the previous plan kept",
    command: (w) => [node, drydockArgs(w)],
    unavailable: () => (existsSync(drydockMain) ? null : `${drydockMain} not found (run npm run build at the repository root)`),
    check: checkDrydock,
  },
};

function toolVersions() {
  const head = spawnSync("git", ["-C", repoDir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout?.trim();
  const dirty = spawnSync("git", ["-C", repoDir, "status", "--porcelain", "--", "src"], { encoding: "utf8" }).stdout?.trim();
  const version = JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8")).version;
  const squawk = squawkBin ? spawnSync(squawkBin, ["--version"], { encoding: "utf8" }).stdout?.trim() : null;
  return {
    squawk: squawk ? `${squawk} (squawk-cli ${pkgVersion("squawk-cli")}, native ${process.platform}-${process.arch} binary)` : null,
    drydock: `${version} (HEAD ${head || "?"}${dirty ? ", src/ has uncommitted changes" : ""}, dist/bundle/main.js built ${bundleBuilt() ?? "never"})`,
  };
}

// ---- process helper ---------------------------------------------------------------------------

let currentChild = null;
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: stopping`);
    if (currentChild) currentChild.kill("SIGKILL");
  });
}

/** Runs one command with stdout going to `outFile`, without DATABASE_URL (plan must not reach for a database). */
function timed(cmd, args, cwd, outFile) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return timedSpawn({ cmd, args, cwd, env, outFile, timeoutS: opts.timeout, onChild: (child) => (currentChild = child) });
}

// ---- runs -------------------------------------------------------------------------------------

mkdirSync(outputDir, { recursive: true });
const loadBefore = os.loadavg();
const versionsBefore = toolVersions();
const builtBefore = bundleBuilt();
let exitCode = 0;
const perCount = [];

for (const count of opts.counts) {
  if (interrupted) break;
  const w = prepareWorkload(count);
  const results = {};
  for (const tool of TOOLS) {
    const def = TOOL_DEFS[tool];
    results[tool] = { status: "ok", reason: null, command: def.describe, samples_ms: [], sample_runs: [], warmup_ms: [], facts: null };
    const why = def.unavailable();
    if (why) Object.assign(results[tool], { status: "unavailable", reason: why });
  }

  // One untimed plan first, so that drydock-warm has the cache of an earlier plan even when it
  // comes before drydock-cold in the first run.
  if (results["drydock-warm"].status === "ok") {
    const r = await timed(node, drydockArgs(w), w.dir, join(outputDir, `drydock-prime-${count}.json`));
    const problems = r.spawnError ? [`could not start: ${r.spawnError}`] : checkDrydock(r, w);
    log(`workload ${count}: priming plan ${problems.length ? `FAILED: ${problems.join("; ")}` : `${r.ms.toFixed(0)} ms`}`);
  }

  const order = [];
  const cacheAfter = { "drydock-cold": null, "drydock-warm": null };
  const totalRuns = opts.warmup + opts.runs;
  for (let run = 0; run < totalRuns && !interrupted; run++) {
    const isWarmup = run < opts.warmup;
    const active = TOOLS.filter((t) => results[t].status === "ok");
    if (active.length === 0) break;
    // Rotate the order each run so that no tool always runs first or right after another.
    const k = run % active.length;
    const runOrder = [...active.slice(k), ...active.slice(0, k)];
    order.push({ run, warmup: isWarmup, tools: runOrder });
    for (const tool of runOrder) {
      if (interrupted) break;
      const def = TOOL_DEFS[tool];
      def.before?.(w);
      const [cmd, args] = def.command(w);
      const r = await timed(cmd, args, w.dir, join(outputDir, `${tool}-${count}.out`));
      if (interrupted) break;
      const problems = r.spawnError ? [`could not start: ${r.spawnError}`] : def.check(r, w);
      const res = results[tool];
      if (problems.length > 0) {
        res.status = "failed";
        res.reason = `run ${run}: ${problems.join("; ")}`;
        exitCode = 1;
        log(`${count} ${tool} run ${run}: FAILED: ${problems.join("; ")}`);
        continue;
      }
      res.facts = r.facts;
      if (tool in cacheAfter) cacheAfter[tool] = cacheFiles(w);
      if (isWarmup) res.warmup_ms.push(round1(r.ms));
      else {
        res.samples_ms.push(round1(r.ms));
        res.sample_runs.push(run);
      }
      log(`${count} ${isWarmup ? "warmup" : `run ${run - opts.warmup + 1}/${opts.runs}`} ${tool}: ${r.ms.toFixed(0)} ms`);
    }
  }

  // ---- statistics -----------------------------------------------------------------------------
  const mbps = (ms) => (ms ? w.bytes / 1e6 / (ms / 1000) : null);
  const byRun = (r) => new Map(r.sample_runs.map((run, i) => [run, r.samples_ms[i]]));
  const ratiosTo = (r, ref) => {
    const refOk = ref?.status === "ok" && ref.samples_ms.length > 0;
    const n = r.samples_ms.length;
    if (!refOk || !n) return { min: null, median: null, paired_median: null };
    const own = byRun(r);
    const refRuns = byRun(ref);
    // Ratio to the reference measured in the same run (less sensitive to drifting noise).
    const paired = r.sample_runs.filter((run) => refRuns.has(run)).map((run) => own.get(run) / refRuns.get(run));
    return {
      min: Math.min(...r.samples_ms) / Math.min(...ref.samples_ms),
      median: median(r.samples_ms) / median(ref.samples_ms),
      paired_median: r.status === "ok" && paired.length ? median(paired) : null,
    };
  };
  for (const r of Object.values(results)) {
    const n = r.samples_ms.length;
    r.runs = n;
    r.min_ms = n ? Math.min(...r.samples_ms) : null;
    r.median_ms = median(r.samples_ms);
    r.mb_per_s_at_min = mbps(r.min_ms);
    r.mb_per_s_at_median = mbps(r.median_ms);
    r.ratio_to_squawk = ratiosTo(r, results[REFERENCE]);
    r.ratio_to_squawk_npm = ratiosTo(r, results[SECOND_REFERENCE]);
  }
  perCount.push({
    workload: { count: w.count, dir: w.dir, files: w.files.length, bytes: w.bytes, lines: w.lines, tables: w.tables, reused: w.reused },
    order,
    cache_after: cacheAfter,
    tools: results,
  });
}

// ---- report -----------------------------------------------------------------------------------

const fmtMs = (x) => (x === null ? "–" : x.toFixed(0));
const fmtMb = (x) => (x === null ? "–" : x.toFixed(x >= 10 ? 1 : x >= 1 ? 2 : 3));
const fmtR = (x) => (x === null || x === undefined ? "–" : `${x.toFixed(2)}×`);
const builtAfter = bundleBuilt();
const versionsAfter = toolVersions();
for (const { workload: w, tools: results, cache_after: cacheAfter } of perCount) {
  const lines = [
    "| tool | runs | min ms | median ms | MB/s at min | MB/s at median | min ratio | median ratio | paired median ratio | paired ratio to squawk-npm |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const tool of TOOLS) {
    const r = results[tool];
    if (r.status === "unavailable") {
      lines.push(`| ${tool} | unavailable | – | – | – | – | – | – | – | – |`);
      continue;
    }
    const label = r.status === "failed" ? `${tool} (FAILED)` : tool;
    const q = r.ratio_to_squawk;
    lines.push(
      `| ${label} | ${r.runs} | ${fmtMs(r.min_ms)} | ${fmtMs(r.median_ms)} | ${fmtMb(r.mb_per_s_at_min)} | ${fmtMb(r.mb_per_s_at_median)} | ` +
        `${fmtR(q.min)} | ${fmtR(q.median)} | ${fmtR(q.paired_median)} | ${fmtR(r.ratio_to_squawk_npm.paired_median)} |`,
    );
  }
  console.log(
    `\nPlan ${w.count} migrations (seed ${opts.seed}; ${w.files} files, ${(w.bytes / 1e6).toFixed(2)} MB, ${w.lines} lines); ` +
      `${opts.runs} runs after ${opts.warmup} warm-up; ratios to ${REFERENCE} (native binary)\n`,
  );
  console.log(lines.join("\n"));
  const notes = [];
  for (const tool of TOOLS) if (results[tool].status !== "ok") notes.push(`- ${tool}: ${results[tool].status}: ${results[tool].reason}`);
  const sq = results[REFERENCE].facts;
  if (sq)
    notes.push(
      `- squawk: exit ${sq.exit}, "checked ${sq.checked} source files", found ${sq.issues} issues in ${sq.files_with_issues} files`,
    );
  const dd = results["drydock-cold"].facts;
  if (dd)
    notes.push(`- drydock plan: ${dd.migrations} migrations, ${dd.findings} findings, ${(dd.output_bytes / 1e6).toFixed(2)} MB of JSON`);
  for (const [tool, files] of Object.entries(cacheAfter)) {
    if (files === null) continue;
    notes.push(
      files.length
        ? `- after ${tool}: .drydock/cache holds ${files.map((f) => `${f.name} (${(f.bytes / 1e6).toFixed(2)} MB)`).join(", ")}`
        : `- after ${tool}: no .drydock/cache (this build keeps no analysis cache, so warm is another cold plan)`,
    );
  }
  if (w.count === GOALS.count)
    for (const tool of ["drydock-cold", "drydock-warm"]) {
      for (const [ref, key] of [
        [REFERENCE, "ratio_to_squawk"],
        [SECOND_REFERENCE, "ratio_to_squawk_npm"],
      ]) {
        const x = results[tool][key].paired_median;
        if (x === null) continue;
        notes.push(`- goal ${tool} ≤ ${GOALS[tool]}× ${ref}: paired median ${fmtR(x)}: ${x <= GOALS[tool] ? "met" : "NOT met"}`);
      }
    }
  console.log(`\n${notes.join("\n")}`);
}
if (builtBefore !== builtAfter) {
  const warning = `dist/bundle/main.js was rebuilt during the benchmark (${builtBefore} -> ${builtAfter}): drydock samples mix builds`;
  console.log(`\nWARNING: ${warning}`);
}
if (interrupted) exitCode = 130;

const out = {
  benchmark: "plan",
  interrupted,
  created_at: new Date().toISOString(),
  options: opts,
  reference: REFERENCE,
  versions: versionsBefore,
  versions_after: versionsAfter,
  drydock_rebuilt_during_run: builtBefore !== builtAfter,
  goals: GOALS,
  machine: {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? null,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadavg_before: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadavg_after: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  workloads: perCount,
};
writeFileSync(join(workDir, "plan-results.json"), `${JSON.stringify(out, null, 2)}\n`);
log(`\nresults written to ${join(workDir, "plan-results.json")}`);
process.exit(exitCode);
