// Shared by the benchmark scripts: what a result file records about where it ran: the machine,
// the build of drydock it timed and the versions of the peers installed in bench/node_modules.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "..");
const require = createRequire(join(benchDir, "package.json"));

/** The bundle the benchmarks run drydock from (`npm run build` at the repository root). */
export const drydockBundle = join(repoDir, "dist", "bundle", "main.js");

/** The machine, for a result file. */
export const hostFacts = () => ({
  cpus: os.availableParallelism?.() ?? os.cpus().length,
  cpu_model: os.cpus()[0]?.model ?? null,
  memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
});
/** The load averages, to 0.01. */
export const loadAverages = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** A file of a package installed in bench/node_modules, or null. */
export function resolveIn(spec) {
  try {
    return require.resolve(spec);
  } catch {
    return null;
  }
}
export const pkgVersion = (name) => {
  const p = resolveIn(`${name}/package.json`);
  return p ? JSON.parse(readFileSync(p, "utf8")).version : null;
};

export const gitHead = () => spawnSync("git", ["-C", repoDir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout?.trim();
export const drydockVersion = () => JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8")).version;
/** When dist/bundle/main.js was built, or null. */
export const bundleBuilt = () => (existsSync(drydockBundle) ? statSync(drydockBundle).mtime.toISOString() : null);
/** drydock's version, the commit, whether src/ has uncommitted changes and when the bundle was built. */
export function describeDrydock() {
  const dirty = spawnSync("git", ["-C", repoDir, "status", "--porcelain", "--", "src"], { encoding: "utf8" }).stdout?.trim();
  return `${drydockVersion()} (HEAD ${gitHead() || "?"}${dirty ? ", src/ has uncommitted changes" : ""}, dist/bundle/main.js built ${bundleBuilt() ?? "never"})`;
}

/**
 * Copies the folder of the bundle `main` to the folder of `copy`, so that a rebuild by someone
 * else while a benchmark runs does not mix builds (the copy's imports still resolve to the
 * repository's node_modules as long as it stays inside the repository).
 */
export function copyBundle(main, copy) {
  rmSync(dirname(copy), { recursive: true, force: true });
  cpSync(dirname(main), dirname(copy), { recursive: true });
}
