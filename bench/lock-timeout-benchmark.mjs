#!/usr/bin/env node
// lock_timeout benchmark: a migration (`ALTER TABLE accounts ADD COLUMN note text`) that queues
// behind a long transaction while a pgbench workload runs on the same table, applied by drydock
// (lock_timeout, retries with backoff) and by plain psql (no lock_timeout), alternating. What it
// measures is the workload's latency: while the ALTER waits for its ACCESS EXCLUSIVE lock, every
// later query on the table waits behind it.
//
//   node bench/lock-timeout-benchmark.mjs [--runs 5] [--warmup 0] [--tools drydock,psql]
//        [--lock-timeout 500ms] [--lock-retries 3] [--hold 10] [--rows 10000] [--clients 4]
//        [--rate 200] [--lead 2] [--tail 3] [--max-refusals 10] [--probes 20]
//        [--url postgres://postgres@127.0.0.1:5432/postgres] [--timeout 120]
//
// Needs `npm run build` at the repository root (dist/bundle/main.js), `psql` and `pgbench` on
// PATH, and a role allowed to CREATE DATABASE; `pg` comes from the repository's own
// node_modules, so `npm ci` in bench/ is not needed. drydock runs from a copy of dist/bundle/
// made at start. Results: Markdown on stdout, bench/.work/lock-timeout-results.json.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { atLeast, integer, namesOf, number, parseCommandLine, text } from "./command-line.mjs";
import { drydockBundle as bundle, copyBundle, gitHead, hostFacts } from "./environment.mjs";
import { childEnv, databaseUrl, defaultDatabaseUrl, log, median, psqlAt, redactUrl, timedSpawn } from "./lib.mjs";
import { writeResults } from "./results.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "..");
const workDir = join(benchDir, ".work", "lock-timeout");
const bundleCopy = join(workDir, "bundle", "main.js"); // inside the repository: its imports resolve to node_modules
const pg = createRequire(join(repoDir, "package.json"))("pg");
const ALL_TOOLS = ["drydock", "psql"];
// The migration sleeps before its ALTER so that the long transaction can take its lock after
// drydock's pre-flight (which refuses to start while a session holds a conflicting lock) and
// before the ALTER asks for its own: see "Ordering" in README.md.
const SLEEP_S = 0.5;
const MIGRATION = `SELECT pg_sleep(${SLEEP_S});\nALTER TABLE accounts ADD COLUMN note text;\n`;

const DEFAULTS = { tools: ALL_TOOLS, runs: 5, warmup: 0, lockTimeout: "500ms", lockRetries: 3, hold: 10, rows: 10_000, clients: 4 };
Object.assign(DEFAULTS, { rate: 200, lead: 2, tail: 3, maxRefusals: 10, probes: 20, timeout: 120, url: defaultDatabaseUrl });
const opts = parseCommandLine(process.argv.slice(2), {
  usage:
    "usage: node bench/lock-timeout-benchmark.mjs [--runs 5] [--warmup 0] [--tools drydock,psql] [--lock-timeout 500ms]\n" +
    "         [--lock-retries 3] [--hold 10] [--rows 10000] [--clients 4] [--rate 200] [--lead 2] [--tail 3]\n" +
    "         [--max-refusals 10] [--probes 20] [--url postgres://…] [--timeout 120]",
  defaults: DEFAULTS,
  flags: {
    // Counts are whole; seconds and the rate may have fractions.
    ...atLeast(integer, { "--runs": 1, "--warmup": 0, "--lock-retries": 0, "--rows": 10, "--clients": 1, "--max-refusals": 0 }),
    ...atLeast(integer, { "--probes": 0 }),
    ...atLeast(number, { "--hold": 1, "--rate": 1, "--lead": 0, "--tail": 0, "--timeout": 10 }),
    "--url": text,
    "--lock-timeout": (value, flag, refuse) => (/^\d+(ms|s)$/.test(value) ? value : refuse(`${flag} takes a duration such as 500ms or 1s`)),
    "--tools": namesOf(ALL_TOOLS, "tool"),
  },
});
if (opts.tools.includes("drydock") && !existsSync(bundle)) {
  log(`${bundle} not found: run npm run build at the repository root`);
  process.exit(2);
}
const lockTimeoutMs = Number(opts.lockTimeout.replace(/ms$|s$/, "")) * (opts.lockTimeout.endsWith("ms") ? 1 : 1000);
const dbUrl = (name) => databaseUrl(opts.url, name);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
/** Runs SQL on the server through psql (outside the measured region); returns its trimmed stdout. */
const psql = (sql, url = opts.url) => psqlAt(url, sql);

// drydock's schedule (src/execute/run-migrations.ts): each attempt sleeps, then waits at most
// lock_timeout; between attempts it pauses 500 ms, doubling, capped at 30 s.
const backoffMs = Array.from({ length: opts.lockRetries }, (_, k) => Math.min(500 * 2 ** k, 30_000));
const drydockGivesUpMs = (opts.lockRetries + 1) * (SLEEP_S * 1000 + lockTimeoutMs) + backoffMs.reduce((a, b) => a + b, 0);
if (opts.tools.includes("drydock") && opts.hold * 1000 < drydockGivesUpMs + 1000)
  log(`warning: --hold ${opts.hold}s is not well above drydock's ${drydockGivesUpMs} ms of attempts: its last attempt may succeed`);
const pgbenchSeconds = Math.ceil(opts.lead + 2 + Math.max(opts.hold, drydockGivesUpMs / 1000) + opts.tail);

// ---- files: the drydock project, the same migration for psql, the pgbench script --------------

mkdirSync(workDir, { recursive: true });
const builtAt = opts.tools.includes("drydock") ? statSync(bundle).mtime.toISOString() : null;
if (builtAt) copyBundle(bundle, bundleCopy);
const projectDir = join(workDir, "project");
const migrationFile = join(projectDir, "migrations", "0001_add_note.sql");
rmSync(projectDir, { recursive: true, force: true });
mkdirSync(dirname(migrationFile), { recursive: true });
writeFileSync(join(projectDir, "drydock.toml"), `[apply]\nlock_timeout = "${opts.lockTimeout}"\nlock_retries = ${opts.lockRetries}\n`);
writeFileSync(migrationFile, MIGRATION);
const workloadFile = join(workDir, "workload.sql");
writeFileSync(
  workloadFile,
  `\\set aid random(1, ${opts.rows})\nSELECT balance FROM accounts WHERE id = :aid;\nUPDATE accounts SET balance = balance + 1 WHERE id = :aid;\n`,
);
const logDir = join(workDir, "pgbench-log");

const TOOLS = {
  drydock: {
    args: () => [process.execPath, bundleCopy, "apply", "--dir", projectDir, "--url", "URL", "--json", "--no-verify"],
    applicationName: /^drydock apply /,
  },
  psql: {
    // The same file, in one transaction as drydock runs it; no lock_timeout (the server's default, 0).
    args: () => ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", "URL", "-f", migrationFile],
    applicationName: /^psql$/,
  },
};

// ---- one run of one tool ------------------------------------------------------------------------

/** The columns of accounts, dropped ones included (a rolled-back ADD COLUMN leaves none). */
const catalogQuery =
  "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attisdropped THEN ' (dropped)' ELSE '' END, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0";
/** drydock.migrations' rows, or that it does not exist (psql never creates it). */
function readHistory(url) {
  if (psql("SELECT to_regclass('drydock.migrations') IS NULL", url) === "t") return "no drydock.migrations";
  return `${psql("SELECT count(*) FROM drydock.migrations", url)} row(s) in drydock.migrations`;
}

function setUpDatabase(name) {
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(`CREATE DATABASE ${name}`);
  const url = dbUrl(name);
  psql(
    `CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL DEFAULT 0, email text NOT NULL); INSERT INTO accounts SELECT g, 0, 'user' || g || '@example.com' FROM generate_series(1, ${opts.rows}) g`,
    url,
  );
  psql("VACUUM ANALYZE accounts", url);
  psql("CHECKPOINT");
  return url;
}

function startPgbench(url, seconds = pgbenchSeconds) {
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const args = ["-n", "-c", String(opts.clients), "-j", String(Math.min(2, opts.clients)), "-R", String(opts.rate)];
  args.push("-T", String(seconds), "-f", workloadFile, "-l", `--log-prefix=${join(logDir, "pgbench")}`, url);
  const child = spawn("pgbench", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const done = new Promise((resolveDone) => child.on("close", (code, signal) => resolveDone({ code, signal, output })));
  return { child, done };
}

/**
 * pgbench's per-transaction log (`-l`): `client transaction latency_us script epoch_s epoch_us lag_us`.
 * With `-R` the latency counts from the transaction's scheduled start, so a client stuck behind a
 * lock also charges the wait to the transactions queued up behind it, as a user would see it.
 */
function readPgbenchLog() {
  const transactions = [];
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(join(logDir, file), "utf8").split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f.length < 6) continue;
      const latencyMs = Number(f[2]) / 1000;
      const endMs = Number(f[4]) * 1000 + Number(f[5]) / 1000;
      transactions.push({ latencyMs, endMs, startMs: endMs - latencyMs });
    }
  }
  return transactions.sort((a, b) => a.endMs - b.endMs);
}

function latencyStats(transactions) {
  const sorted = transactions.map((t) => t.latencyMs).sort((a, b) => a - b);
  const p = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);
  return {
    transactions: sorted.length,
    max_ms: sorted.at(-1) ?? null,
    p99_ms: p(0.99),
    p50_ms: p(0.5),
    over_lock_timeout: sorted.filter((x) => x > lockTimeoutMs).length,
    over_1s: sorted.filter((x) => x > 1000).length,
  };
}

/**
 * Watches pg_stat_activity every 20 ms while the tool runs: takes the long transaction's lock as
 * soon as the tool's session sleeps in its migration (past drydock's pre-flight, before the
 * ALTER), then records when the tool's session and the workload's sessions wait for a lock.
 */
async function observe(url, tool, isRunning) {
  const watcher = new pg.Client({ connectionString: url, application_name: "bench watcher" });
  const blocker = new pg.Client({ connectionString: url, application_name: "bench long transaction" });
  await watcher.connect();
  await blocker.connect();
  const samples = [];
  let lock = null;
  let commit = null;
  try {
    while (isRunning()) {
      const { rows } = await watcher.query(
        "SELECT application_name, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'",
      );
      const t = Date.now();
      const toolRows = rows.filter((row) => TOOLS[tool].applicationName.test(row.application_name));
      const sample = {
        t,
        tool_sleeping: toolRows.some((row) => row.wait_event === "PgSleep"),
        tool_waiting: toolRows.some((row) => row.wait_event_type === "Lock"),
        workload_waiting: rows.filter((row) => row.application_name === "pgbench" && row.wait_event_type === "Lock").length,
      };
      samples.push(sample);
      if (!lock && sample.tool_sleeping) {
        // ACCESS SHARE on accounts, held for --hold seconds: a report query left open.
        await blocker.query("BEGIN");
        await blocker.query("SELECT id FROM accounts LIMIT 1");
        lock = { at: Date.now() };
        commit = sleep(opts.hold * 1000).then(async () => {
          await blocker.query("COMMIT");
          lock.released = Date.now();
        });
      }
      await sleep(20);
    }
    await commit;
  } finally {
    await watcher.end();
    await blocker.end();
  }
  return { samples, lock };
}

/** Stretches of consecutive samples where `f` holds: [{from, to}] in ms since the epoch. */
function stretches(samples, f) {
  const out = [];
  let open = null;
  for (const s of samples) {
    if (f(s) && !open) open = { from: s.t, to: s.t };
    else if (f(s)) open.to = s.t;
    else if (open) {
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}

async function runOnce(tool, name) {
  const url = setUpDatabase(name);
  const catalogBefore = psql(catalogQuery, url);
  const pgbench = startPgbench(url);
  await sleep(opts.lead * 1000);
  let running = true;
  const launchedAt = Date.now();
  const args = TOOLS[tool].args().map((arg) => (arg === "URL" ? url : arg));
  const env = childEnv({}, ["PGAPPNAME", "PGOPTIONS"]); // PGOPTIONS: no lock_timeout from the environment for psql
  const toolRun = timedSpawn({ cmd: args[0], args: args.slice(1), cwd: workDir, env, timeoutS: opts.timeout }).then((r) => {
    running = false;
    return r;
  });
  const watched = observe(url, tool, () => running);
  const [r, { samples, lock }] = await Promise.all([toolRun, watched]);
  const exitedAt = launchedAt + r.ms;
  if (!lock) pgbench.child.kill("SIGTERM"); // the tool ended before its migration slept: no scenario
  const bench = await pgbench.done;
  const catalogAfter = psql(catalogQuery, url);
  const history = readHistory(url);
  const out = { tool, code: r.code, ms: r.ms, lock_held_ms: lock ? lock.released - lock.at : null, history };
  Object.assign(out, { catalog_before: catalogBefore, catalog_after: catalogAfter, loadavg: os.loadavg()[0] });
  if (tool === "drydock") {
    let json = null;
    try {
      json = JSON.parse(r.stdout);
    } catch {}
    out.blocked = json?.blocked ?? null;
    out.failed = json?.failed ? { sqlstate: json.failed.sqlstate, message: json.failed.message, hint: json.failed.hint } : null;
    out.attempts = Number(/expired on (\d+) attempt/.exec(json?.failed?.hint ?? "")?.[1] ?? (json?.applied?.length ? 1 : 0));
    out.retries_logged = (r.stderr.match(/↻/g) ?? []).length;
    if (!lock && !json?.blocked) throw new Error(`drydock exited ${r.code} before its migration started: ${r.stderr.trim().slice(-400)}`);
    if (!lock) {
      out.refused = json.blocked.join("; "); // the pre-flight (or a gate) stopped it: no scenario
      return out;
    }
  } else if (!lock) throw new Error(`psql exited ${r.code} before its migration started: ${r.stderr.trim().slice(-400)}`);
  if (bench.code !== 0) throw new Error(`pgbench exited ${bench.code ?? bench.signal}: ${bench.output.slice(-400)}`);
  // The tool's session in the lock queue: one stretch per attempt.
  out.queued = stretches(samples, (s) => s.tool_waiting).map((w) => ({ from_ms: w.from - lock.at, ms: w.to - w.from }));
  out.workload_waiting_max = Math.max(0, ...samples.map((s) => s.workload_waiting));
  const transactions = readPgbenchLog();
  out.baseline = latencyStats(transactions.filter((t) => t.endMs < launchedAt));
  out.workload = latencyStats(transactions);
  out.during = latencyStats(transactions.filter((t) => t.endMs >= launchedAt && t.startMs <= exitedAt));
  out.timeline = { launched_ms: launchedAt - lock.at, exited_ms: exitedAt - lock.at };
  return out;
}

function check(out, opts) {
  if (out.tool === "psql") {
    if (out.code !== 0) return `psql exited ${out.code}`;
    if (!out.catalog_after.includes("note text")) return "psql exited 0 but accounts has no column note";
    return null;
  }
  if (out.code !== 1) return `drydock exited ${out.code}, expected 1 (gave up on the lock)`;
  if (out.failed?.sqlstate !== "55P03") return `drydock failed with ${out.failed?.sqlstate ?? "nothing"}, expected 55P03`;
  if (out.attempts !== opts.lockRetries + 1) return `drydock made ${out.attempts} attempts, expected ${opts.lockRetries + 1}`;
  if (out.catalog_after !== out.catalog_before) return `accounts changed: ${out.catalog_before} → ${out.catalog_after}`;
  if (/^[1-9]/.test(out.history)) return `drydock.migrations was written: ${out.history}`;
  return null;
}

// ---- runs: tools alternate which goes first --------------------------------------------------

const machine = {
  ...hostFacts(),
  postgres: psql("SELECT version()"),
  lock_timeout_default: psql("SHOW lock_timeout"),
  pgbench: spawnSync("pgbench", ["--version"], { encoding: "utf8" }).stdout.trim(),
  built: builtAt,
  head: gitHead(),
  loadavg_before: os.loadavg(),
};
log(
  `scenario: ${opts.rows} rows, pgbench ${opts.clients} clients at ${opts.rate} tx/s for ${pgbenchSeconds} s, long transaction ${opts.hold} s; drydock lock_timeout ${opts.lockTimeout}, ${opts.lockRetries} retries (gives up after ~${drydockGivesUpMs} ms)`,
);
for (const name of psql("SELECT string_agg(datname, ' ') FROM pg_database WHERE datname ~ '^bench_lock_'").split(" ").filter(Boolean))
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); // left over by an interrupted run
const results = Object.fromEntries(opts.tools.map((tool) => [tool, []]));
const refusals = [];
let drydockLaunches = 0;
let exitCode = 0;
process.on("SIGINT", () => process.exit(130));
const label = (run) => (run >= opts.warmup ? `run ${run - opts.warmup + 1}` : "warm-up");
for (let run = 0; run < opts.warmup + opts.runs; run++) {
  const counted = run >= opts.warmup;
  const order = run % 2 === 0 ? opts.tools : [...opts.tools].reverse();
  for (const tool of order) {
    const name = `bench_lock_${tool}_${run}`;
    let out;
    try {
      for (let attempt = 0; ; attempt++) {
        out = await runOnce(tool, name);
        if (tool === "drydock") drydockLaunches++;
        if (!out.refused) break;
        refusals.push({ run, refused: out.refused });
        log(`${tool} ${label(run)}: pre-flight refused (${out.refused.slice(0, 200)}); again with a fresh database`);
        if (attempt + 1 >= opts.maxRefusals) throw new Error(`pre-flight refused ${opts.maxRefusals} launches in a row`);
      }
    } catch (error) {
      log(`${tool} ${label(run)}: FAILED: ${error.message}`);
      exitCode = 1;
      continue;
    } finally {
      psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    const problem = check(out, opts);
    if (problem) {
      out.problem = problem;
      exitCode = 1;
    }
    const queued = out.queued.map((q) => q.ms).join("/");
    log(
      `${tool} ${label(run)}: exit ${out.code} in ${out.ms.toFixed(0)} ms${tool === "drydock" ? `, ${out.attempts} attempts` : ""}, queued ${queued} ms; workload max ${out.workload.max_ms.toFixed(0)} ms, p99 ${out.workload.p99_ms.toFixed(0)} ms, ${out.workload.over_1s} over 1 s (load ${out.loadavg.toFixed(2)})${problem ? `; PROBLEM: ${problem}` : ""}`,
    );
    if (counted) results[tool].push(out);
  }
}

// ---- pre-flight probes: how often the workload alone makes drydock's pre-flight refuse ----------

/**
 * Launches drydock `--probes` times against the same workload, without a long transaction: its
 * migration (the ALTER, then `SELECT 1/0`) always rolls back, so every launch starts from the
 * same state. Each launch either passes the pre-flight (and fails on 22012) or is refused.
 */
async function probePreflight() {
  const dir = join(workDir, "probe");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "migrations"), { recursive: true });
  writeFileSync(join(dir, "drydock.toml"), `[apply]\nlock_timeout = "${opts.lockTimeout}"\nlock_retries = ${opts.lockRetries}\n`);
  writeFileSync(join(dir, "migrations", "0001_probe.sql"), "ALTER TABLE accounts ADD COLUMN note text;\nSELECT 1/0;\n");
  const name = "bench_lock_probe";
  const url = setUpDatabase(name);
  const pgbench = startPgbench(url, 3600);
  const launches = [];
  try {
    await sleep(opts.lead * 1000);
    for (let i = 0; i < opts.probes; i++) {
      const env = childEnv();
      const args = [bundleCopy, "apply", "--dir", dir, "--url", url, "--json", "--no-verify"];
      const r = await timedSpawn({ cmd: process.execPath, args, cwd: workDir, env, timeoutS: opts.timeout });
      let json = null;
      try {
        json = JSON.parse(r.stdout);
      } catch {}
      const check = json?.preflight?.find((c) => c.id === "preflight.blocking_sessions");
      const holders = (check?.observed?.holders ?? []).map((h) => ({
        state: h.state,
        transaction_age_ms: h.transaction_age_ms,
        locks: h.locks.map((l) => l.mode).join("+"),
      }));
      const outcome = json?.blocked
        ? "refused"
        : json?.failed?.sqlstate === "22012"
          ? "passed"
          : `exit ${r.code} ${r.stderr.trim().slice(-200)}`;
      launches.push({ outcome, holders });
    }
  } finally {
    pgbench.child.kill("SIGTERM");
    await pgbench.done;
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  return launches;
}
const probes = opts.tools.includes("drydock") && opts.probes > 0 ? await probePreflight() : [];
if (probes.some((p) => p.outcome !== "refused" && p.outcome !== "passed")) exitCode = 1;
machine.loadavg_after = os.loadavg();
if (builtAt && statSync(bundle).mtime.toISOString() !== builtAt)
  log("note: dist/bundle/ was rebuilt while this ran (the copy made at start was measured)");

// ---- report --------------------------------------------------------------------------------------

const ms = (x) => (x === null || x === undefined ? "–" : x.toFixed(0));
const minMed = (xs) => (xs.length ? `${ms(Math.min(...xs))} / ${ms(median(xs))}` : "–");
const lines = [
  "| tool | runs | outcome | migration ms (min / median) | attempts | ALTER in the lock queue, ms per wait (median run) | workload max ms (min / median) | workload p99 ms | transactions > 1 s | transactions > lock_timeout | baseline max ms | load 1 min |",
  `| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
];
for (const tool of opts.tools) {
  const rs = results[tool];
  if (rs.length === 0) {
    lines.push(`| ${tool} | 0 | FAILED | ${"– | ".repeat(8)}– |`);
    continue;
  }
  const outcomes = [
    ...new Set(
      rs.map((r) =>
        r.problem
          ? `PROBLEM: ${r.problem}`
          : r.tool === "psql"
            ? "applied after the long transaction"
            : `gave up, ${r.failed.sqlstate}; table and history unchanged`,
      ),
    ),
  ];
  const mid = [...rs].sort((a, b) => a.workload.max_ms - b.workload.max_ms)[Math.floor((rs.length - 1) / 2)];
  const loads = rs.map((r) => r.loadavg);
  lines.push(
    `| ${tool} | ${rs.length} | ${outcomes.join("; ")} | ${minMed(rs.map((r) => r.ms))} | ${tool === "drydock" ? [...new Set(rs.map((r) => r.attempts))].join(", ") : "1"} | ${mid.queued.map((q) => q.ms).join(", ")} | ${minMed(rs.map((r) => r.workload.max_ms))} | ${minMed(rs.map((r) => r.workload.p99_ms))} | ${minMed(rs.map((r) => r.workload.over_1s))} | ${minMed(rs.map((r) => r.workload.over_lock_timeout))} | ${minMed(rs.map((r) => r.baseline.max_ms))} | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
  );
}
const perRun = [
  "| tool | run | exit | migration ms | attempts | waits in the lock queue (ms) | workload transactions | max ms | p99 ms | > 1 s |",
  "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
];
for (const tool of opts.tools) {
  for (const [i, r] of results[tool].entries()) {
    perRun.push(
      `| ${tool} | ${i + 1} | ${r.code} | ${ms(r.ms)} | ${tool === "drydock" ? r.attempts : 1} | ${r.queued.map((q) => q.ms).join(", ")} | ${r.workload.transactions} | ${ms(r.workload.max_ms)} | ${ms(r.workload.p99_ms)} | ${r.workload.over_1s} |`,
    );
  }
}
console.log(
  `\nlock_timeout ${opts.lockTimeout}, ${opts.lockRetries} retries; long transaction ${opts.hold} s; pgbench ${opts.clients} clients, ${opts.rate} tx/s, ${pgbenchSeconds} s; ${opts.runs} counted runs\n`,
);
console.log(lines.join("\n"));
console.log(`\n${perRun.join("\n")}`);
if (opts.tools.includes("drydock"))
  console.log(
    `\npre-flight refusals in the runs above (relaunched on a fresh database): ${refusals.length} of ${drydockLaunches} drydock launches`,
  );
if (probes.length > 0) {
  const refused = probes.filter((p) => p.outcome === "refused");
  const ages = refused.flatMap((p) => p.holders.map((h) => h.transaction_age_ms)).filter((x) => x !== null);
  const modes = [...new Set(refused.flatMap((p) => p.holders.map((h) => `${h.locks} (${h.state})`)))];
  const other = probes.filter((p) => p.outcome !== "refused" && p.outcome !== "passed");
  console.log(
    `pre-flight probes (the workload alone, no long transaction): ${refused.length} of ${probes.length} launches refused by preflight.blocking_sessions; the "blocking" sessions: ${modes.join(", ") || "–"}, transactions ${ages.length ? `${Math.min(...ages)}–${Math.max(...ages)} ms old` : "–"}${other.length ? `; ${other.length} other outcome(s): ${other[0].outcome}` : ""}`,
  );
}
writeResults("lock-timeout", undefined, {
  options: { ...opts, url: redactUrl(opts.url) },
  machine,
  pgbench_seconds: pgbenchSeconds,
  drydock_gives_up_ms: drydockGivesUpMs,
  migration: MIGRATION,
  results,
  refusals,
  drydock_launches: drydockLaunches,
  probes,
});
process.exit(exitCode);
