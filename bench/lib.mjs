// Shared by the benchmark scripts: timing one child process, and the median of samples.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

const captureLimit = 64 * 1024;

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
