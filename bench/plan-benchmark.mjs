#!/usr/bin/env node
// Plan benchmark: `drydock plan` of N generated migrations, cold (no analysis cache), warm
// (cache of the previous run kept), after editing one migration in the middle and after adding
// one at the end, against squawk linting the same files, several runs, tools interleaved per run.
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
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { atLeast, exitWithUsage, integer, integers, parseCommandLine } from "./command-line.mjs";
import { bundleBuilt, describeDrydock, drydockBundle, hostFacts, loadAverages, pkgVersion, resolveIn } from "./environment.mjs";
import { generateProject, writeProject } from "./generate-migrations.mjs";
import { childEnv, interruptible, log, rotate, tail, timedSpawn } from "./lib.mjs";
import { fmtMs, fmtRatio, ratiosTo, recordRun, sampleStats, toolResult, toolTable, writeResults } from "./results.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const workDir = join(benchDir, ".work");
const outputDir = join(workDir, "plan-output");

const REFERENCE = "squawk";
const SECOND_REFERENCE = "squawk-npm";
const TOOLS = ["squawk", "squawk-npm", "parse-floor", "parse-floor-2", "drydock-cold", "drydock-warm", "drydock-edit", "drydock-append"];
const GOALS = { count: 3000, "drydock-cold": 2, "drydock-warm": 0.5 };

const USAGE = "usage: node bench/plan-benchmark.mjs [--counts 300,3000] [--runs 7] [--warmup 1] [--seed 1] [--timeout 600]";
const opts = parseCommandLine(process.argv.slice(2), {
  usage: USAGE,
  defaults: { counts: [300, 3000], runs: 7, warmup: 1, seed: 1, timeout: 600 },
  flags: {
    "--counts": integers(1),
    "--count": ["counts", integers(1)],
    ...atLeast(integer, { "--runs": 1, "--warmup": 0, "--seed": 0, "--timeout": 1 }),
  },
});
if (opts.counts.length === 0) exitWithUsage(USAGE, "--counts needs at least one count");

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
const parseFloorScript = join(benchDir, "parse-floor.mjs");
const squawkBin = resolveIn(`@squawk-cli/${process.platform}-${process.arch}/bin/squawk${process.platform === "win32" ? ".exe" : ""}`);
const squawkLauncher = (() => {
  const pkg = resolveIn("squawk-cli/package.json");
  return pkg ? join(dirname(pkg), JSON.parse(readFileSync(pkg, "utf8")).bin.squawk) : null;
})();
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

/** `added`: migrations the tool's `before` wrote after the generated ones (removed again by its `after`). */
function checkDrydock(r, w, added = 0) {
  if (r.code !== 0) return [`exit ${r.code ?? r.signal}: ${tail(`${r.stdout}\n${r.stderr}`)}`];
  let plan;
  try {
    plan = JSON.parse(r.stdout);
  } catch (e) {
    return [`stdout is not JSON (${e.message}): ${tail(r.stdout, 300)}`];
  }
  const n = plan?.migrations?.length;
  const expected = w.count + added;
  if (n !== expected) return [`plan has ${n} migrations, expected ${expected}`];
  r.facts = { migrations: n, findings: plan.findings?.length ?? null, output_bytes: Buffer.byteLength(r.stdout) };
  return [];
}

const drydockArgs = (w) => [drydockBundle, "plan", "--dir", w.dir, "--format", "json"];

const drydockMissing = () => (existsSync(drydockBundle) ? null : `${drydockBundle} not found (run npm run build at the repository root)`);

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
  "parse-floor": parseFloor(1),
  "parse-floor-2": parseFloor(2),
  "drydock-cold": {
    describe: "rm -rf <dir>/.drydock/cache (untimed); node dist/bundle/main.js plan --dir <dir> --format json",
    before: (w) => rmSync(cacheDir(w), { recursive: true, force: true }),
    command: (w) => [node, drydockArgs(w)],
    unavailable: drydockMissing,
    check: checkDrydock,
  },
  "drydock-warm": {
    describe: "node dist/bundle/main.js plan --dir <dir> --format json, cache of the previous plan kept",
    command: (w) => [node, drydockArgs(w)],
    unavailable: drydockMissing,
    check: checkDrydock,
  },
  "drydock-edit": replanAfter({
    change: "a comment appended to the middle migration",
    undo: "the file restored",
    apply: (w) => appendFileSync(editedFile(w), "-- edited by the plan benchmark\n"),
    revert: restoreEdited,
  }),
  "drydock-append": replanAfter({
    change: "a new migration after the last one",
    undo: "the new file removed",
    apply: (w) =>
      writeFileSync(
        appendedFile(w),
        "CREATE TABLE added_by_the_plan_benchmark (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants);\n",
      ),
    revert: removeAppended,
    added: 1,
  }),
};

/**
 * The parser's floor (bench/parse-floor.mjs): Node, libpg-query loaded, every file read and
 * parsed, nothing else; on `threads` threads. A cold plan cannot take less.
 */
function parseFloor(threads) {
  return {
    describe: `node bench/parse-floor.mjs --threads ${threads} migrations/0001_….sql … (libpg-query's parseSync of every file${threads === 2 ? ", split between the main thread and one worker" : ""}; no analysis, no lint)`,
    command: (w) => [node, [parseFloorScript, "--threads", String(threads), ...w.files]],
    unavailable: () => (resolveIn("libpg-query/package.json") ? null : "libpg-query not found: run npm ci at the repository root"),
    check: (r, w) => {
      if (r.code !== 0) return [`exit ${r.code ?? r.signal}: ${tail(`${r.stdout}\n${r.stderr}`)}`];
      const m = r.stdout.match(/parsed (\d+) files, (\d+) statements/);
      if (!m || Number(m[1]) !== w.count) return [`expected "parsed ${w.count} files", got: ${tail(r.stdout, 200)}`];
      r.facts = { files: Number(m[1]), statements: Number(m[2]) };
      return [];
    },
  };
}

/**
 * A drydock tool timing a plan after one change to the project: untimed, the change undone (if
 * an interrupted run left it) and a plan of the project as generated, so the caches hold it,
 * then the change; timed, the plan; then the change undone.
 */
function replanAfter({ change, undo, apply, revert, added = 0 }) {
  return {
    describe: `a plan of the project as generated (untimed), then ${change} (untimed); node dist/bundle/main.js plan --dir <dir> --format json; ${undo}`,
    before: (w) => {
      revert(w);
      spawnSync(node, drydockArgs(w), { cwd: w.dir, env: childEnv(), stdio: "ignore" });
      apply(w);
    },
    after: revert,
    command: (w) => [node, drydockArgs(w)],
    unavailable: drydockMissing,
    check: (r, w) => checkDrydock(r, w, added),
  };
}

/** The migration drydock-append adds after the generated ones. */
function appendedFile(w) {
  return join(w.dir, "migrations", "99999_added_by_the_plan_benchmark.sql");
}
function removeAppended(w) {
  rmSync(appendedFile(w), { force: true });
}

/** The migration drydock-edit changes: the middle one, so that half the project comes after it. */
const editedFile = (w) => join(w.dir, w.files[Math.floor(w.files.length / 2)]);
function restoreEdited(w) {
  const file = editedFile(w);
  const text = readFileSync(file, "utf8");
  const marker = text.indexOf("-- edited by the plan benchmark\n");
  if (marker >= 0) writeFileSync(file, text.slice(0, marker));
}

function toolVersions() {
  const squawk = squawkBin ? spawnSync(squawkBin, ["--version"], { encoding: "utf8" }).stdout?.trim() : null;
  return {
    squawk: squawk ? `${squawk} (squawk-cli ${pkgVersion("squawk-cli")}, native ${process.platform}-${process.arch} binary)` : null,
    drydock: describeDrydock(),
  };
}

// ---- process helper ---------------------------------------------------------------------------

const interruption = interruptible();

/** Runs one command with stdout going to `outFile`, without DATABASE_URL (plan must not reach for a database). */
function timed(cmd, args, cwd, outFile) {
  const env = childEnv();
  return timedSpawn({ cmd, args, cwd, env, outFile, timeoutS: opts.timeout, onChild: (child) => (interruption.child = child) });
}

// ---- runs -------------------------------------------------------------------------------------

mkdirSync(outputDir, { recursive: true });
const loadBefore = loadAverages();
const versionsBefore = toolVersions();
const builtBefore = bundleBuilt();
let exitCode = 0;
const perCount = [];

for (const count of opts.counts) {
  if (interruption.interrupted) break;
  const w = prepareWorkload(count);
  const results = {};
  for (const tool of TOOLS) results[tool] = toolResult(TOOL_DEFS[tool].describe, TOOL_DEFS[tool].unavailable());

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
  for (let run = 0; run < totalRuns && !interruption.interrupted; run++) {
    const active = TOOLS.filter((t) => results[t].status === "ok");
    if (active.length === 0) break;
    const runOrder = rotate(active, run);
    order.push({ run, warmup: run < opts.warmup, tools: runOrder });
    for (const tool of runOrder) {
      if (interruption.interrupted) break;
      const def = TOOL_DEFS[tool];
      def.before?.(w);
      const [cmd, args] = def.command(w);
      const r = await timed(cmd, args, w.dir, join(outputDir, `${tool}-${count}.out`));
      def.after?.(w);
      if (interruption.interrupted) break;
      const problems = r.spawnError ? [`could not start: ${r.spawnError}`] : def.check(r, w);
      const booked = recordRun(results[tool], { tool, run, ms: r.ms, problems, warmup: opts.warmup, runs: opts.runs, prefix: `${count} ` });
      if (!booked) {
        exitCode = 1;
        continue;
      }
      results[tool].facts = r.facts;
      if (tool in cacheAfter) cacheAfter[tool] = cacheFiles(w);
    }
  }

  // ---- statistics -----------------------------------------------------------------------------
  const mbps = (ms) => (ms ? w.bytes / 1e6 / (ms / 1000) : null);
  // A failed tool's paired ratio would pair only the runs before it failed: none.
  const ratiosOf = (r, ref) => ({ ...ratiosTo(r, ref), ...(r.status === "ok" ? {} : { paired_median: null }) });
  for (const r of Object.values(results)) {
    Object.assign(r, sampleStats(r.samples_ms));
    r.mb_per_s_at_min = mbps(r.min_ms);
    r.mb_per_s_at_median = mbps(r.median_ms);
    r.ratio_to_squawk = ratiosOf(r, results[REFERENCE]);
    r.ratio_to_squawk_npm = ratiosOf(r, results[SECOND_REFERENCE]);
  }
  perCount.push({
    workload: { count: w.count, dir: w.dir, files: w.files.length, bytes: w.bytes, lines: w.lines, tables: w.tables, reused: w.reused },
    order,
    cache_after: cacheAfter,
    tools: results,
  });
}

// ---- report -----------------------------------------------------------------------------------

const fmtMb = (x) => (x === null ? "–" : x.toFixed(x >= 10 ? 1 : x >= 1 ? 2 : 3));
const headers = [
  "tool",
  "runs",
  "min ms",
  "median ms",
  "MB/s at min",
  "MB/s at median",
  "min ratio",
  "median ratio",
  "paired median ratio",
  "paired ratio to squawk-npm",
];
const builtAfter = bundleBuilt();
const versionsAfter = toolVersions();
for (const { workload: w, tools: results, cache_after: cacheAfter } of perCount) {
  const table = toolTable(headers, TOOLS, results, (r) => [
    fmtMs(r.min_ms),
    fmtMs(r.median_ms),
    fmtMb(r.mb_per_s_at_min),
    fmtMb(r.mb_per_s_at_median),
    fmtRatio(r.ratio_to_squawk.min),
    fmtRatio(r.ratio_to_squawk.median),
    fmtRatio(r.ratio_to_squawk.paired_median),
    fmtRatio(r.ratio_to_squawk_npm.paired_median),
  ]);
  console.log(
    `\nPlan ${w.count} migrations (seed ${opts.seed}; ${w.files} files, ${(w.bytes / 1e6).toFixed(2)} MB, ${w.lines} lines); ` +
      `${opts.runs} runs after ${opts.warmup} warm-up; ratios to ${REFERENCE} (native binary)\n`,
  );
  console.log(table);
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
        notes.push(`- goal ${tool} ≤ ${GOALS[tool]}× ${ref}: paired median ${fmtRatio(x)}: ${x <= GOALS[tool] ? "met" : "NOT met"}`);
      }
    }
  console.log(`\n${notes.join("\n")}`);
}
if (builtBefore !== builtAfter) {
  const warning = `dist/bundle/main.js was rebuilt during the benchmark (${builtBefore} -> ${builtAfter}): drydock samples mix builds`;
  console.log(`\nWARNING: ${warning}`);
}
if (interruption.interrupted) exitCode = 130;

writeResults("plan", interruption.interrupted, {
  options: opts,
  reference: REFERENCE,
  versions: versionsBefore,
  versions_after: versionsAfter,
  drydock_rebuilt_during_run: builtBefore !== builtAfter,
  goals: GOALS,
  machine: { ...hostFacts(), loadavg_before: loadBefore, loadavg_after: loadAverages() },
  workloads: perCount,
});
process.exit(exitCode);
