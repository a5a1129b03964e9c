// Shared by the benchmark scripts: each tool's result (its samples or why it has none), their
// statistics, the Markdown table on stdout and the JSON file under bench/.work/.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { log, median, round1 } from "./lib.mjs";

const workDir = join(dirname(fileURLToPath(import.meta.url)), ".work");

/** A tool's result before its runs: "ok", or `status` ("unavailable") with `reason` when there is one. */
export function toolResult(command, reason = null, status = "unavailable") {
  const result = { status: "ok", reason: null, command, samples_ms: [], sample_runs: [], warmup_ms: [], facts: null };
  if (reason) Object.assign(result, { status, reason });
  return result;
}

/**
 * Books one timed run of `tool` in its result and logs it: with `problems`, the failure that ends
 * the tool's runs; else a warm-up sample (the first `warmup` runs) or a counted one of `runs`.
 * Returns whether the run succeeded. `prefix` starts the log lines.
 */
export function recordRun(result, { tool, run, ms, problems, warmup, runs, prefix = "" }) {
  if (problems.length > 0) {
    result.status = "failed";
    result.reason = `run ${run}: ${problems.join("; ")}`;
    log(`${prefix}${tool} run ${run}: FAILED: ${problems.join("; ")}`);
    return false;
  }
  if (run < warmup) result.warmup_ms.push(round1(ms));
  else {
    result.samples_ms.push(round1(ms));
    result.sample_runs?.push(run);
  }
  log(`${prefix}${run < warmup ? "warmup" : `run ${run - warmup + 1}/${runs}`} ${tool}: ${ms.toFixed(0)} ms`);
  return true;
}

/** How many samples, the fastest and the median. */
export function sampleStats(samples) {
  return { runs: samples.length, min_ms: samples.length ? Math.min(...samples) : null, median_ms: median(samples) };
}

const byRun = (r) => new Map(r.sample_runs.map((run, i) => [run, r.samples_ms[i]]));
/** `r`'s times over `ref`'s: of the fastest runs, of the medians, and the median of the ratios within one run (less sensitive to drifting noise). */
export function ratiosTo(r, ref) {
  const refOk = ref?.status === "ok" && ref.samples_ms.length > 0;
  if (!refOk || !r.samples_ms.length) return { min: null, median: null, paired_median: null };
  const refRuns = byRun(ref);
  const own = byRun(r);
  const paired = r.sample_runs.filter((run) => refRuns.has(run)).map((run) => own.get(run) / refRuns.get(run));
  return {
    min: Math.min(...r.samples_ms) / Math.min(...ref.samples_ms),
    median: median(r.samples_ms) / median(ref.samples_ms),
    paired_median: paired.length ? median(paired) : null,
  };
}

export const fmtMs = (x) => (x === null || x === undefined ? "–" : x.toFixed(0));
export const fmtRatio = (x) => (x === null || x === undefined ? "–" : `${x.toFixed(2)}×`);

/**
 * A Markdown table with a row per tool: its name, its runs, then `cells(result)`. An unavailable
 * tool gets dashes, a failed one "(FAILED)" after its name; a skipped one is left out.
 */
export function toolTable(headers, tools, results, cells) {
  const row = (values) => `| ${values.join(" | ")} |`;
  const lines = [row(headers), row(headers.map((_, i) => (i === 0 ? "---" : "---:")))];
  for (const tool of tools) {
    const r = results[tool];
    if (r.status === "skipped") continue;
    if (r.status === "unavailable") lines.push(row([tool, "unavailable", ...headers.slice(2).map(() => "–")]));
    else lines.push(row([r.status === "failed" ? `${tool} (FAILED)` : tool, r.runs, ...cells(r)]));
  }
  return lines.join("\n");
}

/**
 * Writes bench/.work/<benchmark>-results.json, `fields` after the benchmark's name, whether it was
 * interrupted (where it can stop early) and the time, and says so on stderr.
 */
export function writeResults(benchmark, interrupted, fields) {
  const out = { benchmark, ...(interrupted === undefined ? {} : { interrupted }), created_at: new Date().toISOString(), ...fields };
  const path = join(workDir, `${benchmark}-results.json`);
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  log(`\nresults written to ${path}`);
}
