#!/usr/bin/env node
// Rehearsal benchmark: `drydock rehearse` (sandbox, apply with locks and catalog changes measured,
// seed, verify, rollback drill, evidence) against the plain `drydock apply` of the same migrations
// on a fresh database of the same engine, alternating within each run.
//
//   node bench/rehearse-benchmark.mjs [--workloads saas,generated,generated-downs] [--engines pglite,postgres]
//        [--count 300] [--seed 1] [--runs 5] [--saas-runs 9] [--warmup 1]
//        [--url postgres://postgres@127.0.0.1:5432/postgres] [--timeout 900]
//
// Needs `npm run build` at the repository root (dist/bundle/main.js) and, for postgres, `psql` on
// PATH and a role allowed to CREATE DATABASE. Both commands are timed as child-process wall time
// (spawn to exit), run from a copy of dist/bundle/ made at start, so that a rebuild by someone
// else mid-run changes nothing measured. The rehearsal's stages come from report.stages, the
// drill's downs and ups from the evidence package's run.log.jsonl. Results: Markdown on stdout,
// bench/.work/rehearse-results.json.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { atLeast, integer, namesOf, parseCommandLine, text } from "./command-line.mjs";
import { drydockBundle as bundle, copyBundle, gitHead, hostFacts } from "./environment.mjs";
import { generateProject, writeProject } from "./generate-migrations.mjs";
import { childEnv, databaseUrl, defaultDatabaseUrl, log, median, psqlAt, redactUrl, timedSpawn } from "./lib.mjs";
import { writeResults } from "./results.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "..");
const workDir = join(benchDir, ".work", "rehearse");
const bundleCopy = join(workDir, "bundle", "main.js"); // imports still resolve to the repository's node_modules
const ALL_WORKLOADS = ["saas", "generated", "generated-downs"];
const ALL_ENGINES = ["pglite", "postgres"];
const GOAL = 3;

const DEFAULTS = { workloads: ALL_WORKLOADS, engines: ALL_ENGINES, count: 300, seed: 1, runs: 5, saasRuns: 9, warmup: 1, timeout: 900 };
DEFAULTS.url = defaultDatabaseUrl;
const opts = parseCommandLine(process.argv.slice(2), {
  usage:
    "usage: node bench/rehearse-benchmark.mjs [--workloads saas,generated,generated-downs] [--engines pglite,postgres]\n" +
    "         [--count 300] [--seed 1] [--runs 5] [--saas-runs 9] [--warmup 1] [--url postgres://…] [--timeout 900]",
  defaults: DEFAULTS,
  flags: {
    ...atLeast(integer, { "--count": 1, "--seed": 0, "--runs": 1, "--saas-runs": 1, "--warmup": 0, "--timeout": 1 }),
    "--url": text,
    "--workloads": namesOf(ALL_WORKLOADS, "workload"),
    "--engines": namesOf(ALL_ENGINES, "engine"),
  },
});
if (!existsSync(bundle)) {
  log(`${bundle} not found: run npm run build at the repository root`);
  process.exit(2);
}
const dbUrl = (name) => databaseUrl(opts.url, name);
/** Runs SQL on the server through psql (outside the timed region); returns its trimmed stdout. */
const psql = (sql, url = opts.url) => psqlAt(url, sql);

// ---- workloads: folders under bench/.work/rehearse/, with what a correct run must report ------

mkdirSync(workDir, { recursive: true });
const builtAt = statSync(bundle).mtime.toISOString();
copyBundle(bundle, bundleCopy);
const WORKLOADS = {
  saas: () => {
    const dir = join(workDir, "saas");
    rmSync(dir, { recursive: true, force: true }); // a copy: the rehearsal writes .drydock/ into its project
    cpSync(join(repoDir, "examples", "saas"), dir, { recursive: true, filter: (src) => !src.includes(".drydock") });
    const ups = readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".sql") && !f.endsWith(".down.sql"));
    return { dir, migrations: ups.length, drill: "pass", describe: `examples/saas (${ups.length} migrations with downs, seed.sql)` };
  },
  generated: () => generated(false),
  "generated-downs": () => generated(true),
};
function generated(downs) {
  const project = generateProject({ count: opts.count, seed: opts.seed, downs });
  const dir = join(workDir, `generated-${opts.count}${downs ? "-downs" : ""}`);
  writeProject(project, dir);
  const what = `${project.migrations.length} generated migrations (seed ${opts.seed}), ${downs ? "with" : "no"} downs`;
  return { dir, migrations: project.migrations.length, drill: downs ? "pass" : "irreversible", describe: what };
}

// ---- one timed command of each kind ------------------------------------------------------------

const evidenceDir = join(workDir, "evidence");
const outFile = join(workDir, "stdout.json");
function timed(args, extraEnv = {}) {
  return timedSpawn({
    cmd: process.execPath,
    args: [bundleCopy, ...args],
    cwd: workDir,
    env: childEnv(extraEnv),
    outFile,
    timeoutS: opts.timeout,
  });
}
const failure = (r, what) => `${what} exited ${r.code ?? r.signal}: ${`${r.stderr}`.trim().slice(-600)}`;

async function plainApply(engine, w, run) {
  const name = `bench_rehearse_apply_${run}`;
  if (engine === "postgres") {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    psql(`CREATE DATABASE ${name}`);
    psql("CHECKPOINT"); // as apply-benchmark.mjs: no earlier run's dirty buffers flushed on this one's time
  }
  try {
    const r = await timed(["apply", "--url", engine === "postgres" ? dbUrl(name) : "pglite:memory", "--dir", w.dir, "--json"]);
    const out = r.code === 0 ? JSON.parse(r.stdout) : null;
    if (!out) throw new Error(failure(r, "apply"));
    if (out.failed || out.applied.length !== w.migrations) throw new Error(`apply applied ${out.applied.length} of ${w.migrations}`);
    return { ms: r.ms };
  } finally {
    if (engine === "postgres") psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function rehearsal(engine, w) {
  rmSync(evidenceDir, { recursive: true, force: true });
  if (engine === "postgres") psql("CHECKPOINT");
  const args = ["rehearse", "--dir", w.dir, "--baseline", "none", "--evidence-dir", evidenceDir, "--json"];
  const r = await timed(engine === "postgres" ? [...args, "--engine", "postgres"] : args, { DRYDOCK_SANDBOX_URL: opts.url });
  // Exit 1 is a NO-GO: the generated workload has lint errors (non-concurrent indexes) on purpose.
  if (r.code !== 0 && r.code !== 1) throw new Error(failure(r, "rehearse"));
  const { report, evidence_dir } = JSON.parse(r.stdout);
  const applied = report.steps.filter((s) => s.status === "applied").length;
  if (applied !== w.migrations) throw new Error(`rehearse applied ${applied} of ${w.migrations}`);
  if (report.rollback.status !== w.drill)
    throw new Error(`rollback drill ${report.rollback.status}, expected ${w.drill}: ${report.rollback.details.slice(0, 3)}`);
  if (report.target.engine !== engine) throw new Error(`rehearsed on ${report.target.engine}, not ${engine}`);
  const sandboxDb = engine === "postgres" ? new URL(report.target.url_redacted).pathname.slice(1) : null;
  if (sandboxDb && psql(`SELECT count(*) FROM pg_database WHERE datname = '${sandboxDb}'`) !== "0")
    throw new Error(`the sandbox database ${sandboxDb} is still there after rehearse exited`);
  // The drill's migrations, from the evidence log: "applied" events named "0003 billing (down)".
  const drill = { down: 0, up: 0 };
  for (const line of readFileSync(join(evidence_dir, "run.log.jsonl"), "utf8").split("\n")) {
    const m = line.includes('"applied"') && /"name":"[^"]*\((down|up again)\)","durationMs":(\d+)/.exec(line);
    if (m) drill[m[1] === "down" ? "down" : "up"] += Number(m[2]);
  }
  const stages = Object.fromEntries(report.stages.map((s) => [s.name, s.duration_ms]));
  const { decision, target } = report;
  return { ms: r.ms, pipeline_ms: report.duration_ms, stages, drill, verdict: decision.verdict, server: target.server_version };
}

// ---- runs: per workload and engine, rehearsal and plain apply alternate which goes first ------

const machine = {
  ...hostFacts(),
  postgres: opts.engines.includes("postgres") ? psql("SELECT version()") : null,
  pglite: null,
  built: builtAt,
  head: gitHead(),
  loadavg_before: os.loadavg(),
};
const blocks = [];
let exitCode = 0;
for (const workload of opts.workloads) {
  const w = WORKLOADS[workload]();
  log(`workload ${workload}: ${w.describe}, in ${w.dir}`);
  for (const engine of opts.engines) {
    const block = { workload, engine, describe: w.describe, drill: w.drill, rehearse: [], apply: [], loadavg: [], failed: null };
    blocks.push(block);
    const total = opts.warmup + (workload === "saas" ? opts.saasRuns : opts.runs);
    for (let run = 0; run < total && !block.failed; run++) {
      const counted = run >= opts.warmup;
      const order = run % 2 === 0 ? ["rehearse", "apply"] : ["apply", "rehearse"];
      const sample = {};
      try {
        for (const kind of order) sample[kind] = kind === "apply" ? await plainApply(engine, w, run) : await rehearsal(engine, w);
      } catch (error) {
        block.failed = `run ${run}: ${error.message}`;
        exitCode = 1;
        log(`${workload} on ${engine}: FAILED: ${block.failed}`);
        break;
      }
      if (engine === "pglite") machine.pglite = sample.rehearse.server;
      const label = counted ? `run ${run - opts.warmup + 1}` : "warm-up";
      log(
        `${workload} ${engine} ${label}: rehearse ${sample.rehearse.ms.toFixed(0)} ms, apply ${sample.apply.ms.toFixed(0)} ms (load ${os.loadavg()[0].toFixed(2)})`,
      );
      if (!counted) continue;
      block.rehearse.push(sample.rehearse);
      block.apply.push(sample.apply.ms);
      block.loadavg.push(Math.round(os.loadavg()[0] * 100) / 100);
    }
  }
}
rmSync(evidenceDir, { recursive: true, force: true });
machine.loadavg_after = os.loadavg();
if (statSync(bundle).mtime.toISOString() !== machine.built)
  log("note: dist/bundle/ was rebuilt while this ran (the copy made at start was measured)");

// ---- report --------------------------------------------------------------------------------------

const ms = (x) => (x === null || x === undefined ? "–" : x.toFixed(0));
const ratio = (x) => (x === null ? "–" : `${x.toFixed(2)}×`);
const head =
  "| workload | engine | runs | rehearse min ms | rehearse median ms | apply min ms | apply median ms | min ratio | median ratio | paired median ratio | load 1 min | drill | < 3× |";
const lines = [head, `| --- | --- | ${"---: | ".repeat(9)}--- | --- |`];
for (const b of blocks) {
  const [r, a, n] = [b.rehearse.map((x) => x.ms), b.apply, b.rehearse.length];
  const [rMin, rMed, aMin, aMed] = [Math.min(...r), median(r), Math.min(...a), median(a)];
  const paired = median(r.map((x, i) => x / a[i])); // rehearsal / apply of the same run
  const s = n ? { runs: n, rehearse_min_ms: rMin, rehearse_median_ms: rMed, apply_min_ms: aMin, apply_median_ms: aMed } : null;
  if (s) Object.assign(s, { min_ratio: rMin / aMin, median_ratio: rMed / aMed, paired_median_ratio: paired });
  b.summary = s;
  const load = n ? `${Math.min(...b.loadavg).toFixed(1)}–${Math.max(...b.loadavg).toFixed(1)}` : "–";
  lines.push(
    s
      ? `| ${b.workload} | ${b.engine} | ${n} | ${ms(s.rehearse_min_ms)} | ${ms(s.rehearse_median_ms)} | ${ms(s.apply_min_ms)} | ${ms(s.apply_median_ms)} | ${ratio(s.min_ratio)} | ${ratio(s.median_ratio)} | ${ratio(s.paired_median_ratio)} | ${load} | ${b.drill === "pass" ? "pass" : `${b.drill} (no work)`} | ${s.paired_median_ratio < GOAL ? "yes" : "**no**"} |`
      : `| ${b.workload} | ${b.engine} | FAILED | ${"– | ".repeat(8)}– | – |`,
  );
}
// Stage table: median per stage, one column per workload and engine.
const done = blocks.filter((b) => b.summary);
const stageNames = [...new Set(done.flatMap((b) => b.rehearse.flatMap((s) => Object.keys(s.stages))))];
const med = (b, f) => median(b.rehearse.map(f).filter((x) => x !== undefined));
const rows = [
  ...stageNames.flatMap((name) => {
    const row = [[name, (s) => s.stages[name]]];
    if (name === "rollback drill")
      row.push(
        ["– of which downs (Σ per migration)", (s) => s.drill.down],
        ["– of which ups again (Σ)", (s) => s.drill.up],
        ["– the rest: 2 snapshots, comparisons", (s) => s.stages[name] - s.drill.down - s.drill.up],
      );
    return row;
  }),
  ["pipeline total (report.duration_ms)", (s) => s.pipeline_ms],
  ["outside the pipeline (start-up, discovery, evidence, sandbox removal)", (s) => s.ms - s.pipeline_ms],
  ["**rehearse wall time**", (s) => s.ms],
];
const stageLines = [
  `| stage (median ms) | ${done.map((b) => `${b.workload} ${b.engine}`).join(" | ")} |`,
  `| --- | ${done.map(() => "---:").join(" | ")} |`,
  ...rows.map(([label, f]) => `| ${label} | ${done.map((b) => ms(med(b, f))).join(" | ")} |`),
  `| plain apply wall time | ${done.map((b) => ms(median(b.apply))).join(" | ")} |`,
];
console.log(
  `\nRehearsal vs plain apply; ${opts.warmup} warm-up run(s), then ${opts.saasRuns} counted runs for saas, ${opts.runs} for the others\n`,
);
console.log(lines.join("\n"));
console.log(`\n${stageLines.join("\n")}`);
for (const b of blocks.filter((x) => x.failed)) console.log(`\n- ${b.workload} on ${b.engine}: FAILED: ${b.failed}`);
writeResults("rehearse", undefined, { options: { ...opts, url: redactUrl(opts.url) }, machine, blocks });
process.exit(exitCode);
