// Shared by the benchmark scripts: running and timing child processes, the median of samples,
// and the PostgreSQL server they use.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

const captureLimit = 64 * 1024;

export const log = (msg) => process.stderr.write(`${msg}\n`);
/** The end of a child's output, for an error message. */
export const tail = (s, n = 800) => (s.length > n ? `…${s.slice(-n)}` : s).trim();
export const round1 = (x) => Math.round(x * 10) / 10;

/** The median of numbers, or null for none. */
export function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs one command and resolves with { code, signal, ms, stdout, stderr[, spawnError] }: the wall
 * time from spawn to exit. With `outFile`, stdout goes to that file (like `> file`: no pipe for
 * the parent to drain while the clock runs) and is read back afterwards; otherwise it is captured
 * (the first 64 KiB). `onChild` receives the child while it runs and null afterwards, so a
 * signal handler can kill it; after `timeoutS` seconds the child is killed.
 */
export function timedSpawn({ cmd, args, cwd, env, outFile, timeoutS, onChild = () => {} }) {
  return new Promise((resolvePromise) => {
    const fd = outFile ? openSync(outFile, "w") : null;
    let stdout = "";
    let stderr = "";
    let exitInfo = null;
    let closed = false;
    const finish = () => {
      if (!exitInfo || !closed) return;
      onChild(null);
      clearTimeout(timer);
      if (fd !== null) {
        closeSync(fd);
        stdout = readFileSync(outFile, "utf8");
      }
      resolvePromise({ ...exitInfo, stdout, stderr });
    };
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", fd ?? "pipe", "pipe"] });
    onChild(child);
    const timer = setTimeout(() => {
      stderr += `\n[bench] killed after ${timeoutS}s`;
      child.kill("SIGKILL");
    }, timeoutS * 1000);
    child.stdout?.on("data", (chunk) => {
      if (stdout.length < captureLimit) stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      if (stderr.length < captureLimit) stderr += chunk;
    });
    child.on("error", (error) => {
      exitInfo = exitInfo ?? { code: null, signal: null, ms: performance.now() - t0, spawnError: error.message };
      closed = true;
      finish();
    });
    child.on("exit", (code, signal) => {
      exitInfo = { code, signal, ms: performance.now() - t0 };
      finish();
    });
    child.on("close", () => {
      closed = true;
      finish();
    });
  });
}

/** process.env for a child, without DATABASE_URL (every target is on its command line) and `unset`, plus `extra`. */
export function childEnv(extra = {}, unset = []) {
  const env = { ...process.env };
  for (const name of ["DATABASE_URL", ...unset]) delete env[name];
  return Object.assign(env, extra);
}

/**
 * Stops at the first SIGINT or SIGTERM: sets `interrupted` and kills the child the benchmark
 * waits for (`child`, which its timedSpawn's onChild keeps up to date), so that it can clean up.
 */
export function interruptible(stopping = "stopping") {
  const state = { interrupted: false, child: null };
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      if (state.interrupted) return;
      state.interrupted = true;
      log(`\n${sig}: ${stopping}`);
      if (state.child) state.child.kill("SIGKILL");
    });
  }
  return state;
}

/** `items` rotated by `run`, so that no tool always runs first or right after another. */
export function rotate(items, run) {
  const k = items.length ? run % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

// ---- the server -----------------------------------------------------------------------------------

export const defaultDatabaseUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** `url` with the database `name`. */
export const databaseUrl = (url, name) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
/** `url` with its password, if any, replaced by ***. */
export const redactUrl = (url) => Object.assign(new URL(url), { password: new URL(url).password ? "***" : "" }).toString();

/** Runs SQL through psql (no .psqlrc, stop on the first error) outside any timed region; returns its trimmed stdout. */
export function psqlAt(url, sql) {
  const r = spawnSync("psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`psql -c ${JSON.stringify(sql)} failed: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}
