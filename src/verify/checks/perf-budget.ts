import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";
import { measureBenchmarks } from "../measure-benchmarks.js";

const id = "perf.budget";

/**
 * Growth below this many milliseconds is never a regression: the median of a sub-millisecond
 * query moves by more than any percentage from one run to the next on shared machines.
 */
export const regressionFloorMs = 1;

/**
 * True when a median grew from `beforeMs` to `nowMs` by more than `maxRegression` ("10%") of
 * `beforeMs`, and by at least `regressionFloorMs`.
 */
export function isRegression(beforeMs: number, nowMs: number, maxRegression: string): boolean {
  const growth = nowMs - beforeMs;
  return growth >= regressionFloorMs && growth > beforeMs * (Number.parseFloat(maxRegression) / 100);
}

/** What one benchmark measured, against its limits. */
interface BenchmarkResult {
  name: string;
  median_ms: number | null;
  min_ms: number | null;
  budget_ms: number | null;
  before_median_ms: number | null;
  max_regression: string | null;
  passed: boolean;
}

/**
 * Each `[[checks.benchmark]]` query is timed now (one warm-up, then five runs, each in a
 * transaction that is rolled back) and its median judged: it fails when the median exceeds
 * `budget_ms`, or when the benchmarks were timed before the migrations and the median grew by
 * more than `max_regression` (a percentage of the earlier median). Growth under
 * `regressionFloorMs` (1 ms) is ignored whatever the percentage: sub-millisecond queries are
 * noise. A query that fails now fails the check. Skipped when no benchmark is configured.
 */
export const perfBudget: Check = {
  id,
  description: "each configured benchmark query is within its budget and regression limit",
  async run({ engine, config, benchmarksBefore }) {
    const benchmarks = config.checks.benchmark;
    if (benchmarks.length === 0) {
      return { id, status: "skip", summary: "no benchmark configured ([[checks.benchmark]])", observed: { benchmarks: 0 }, details: [] };
    }
    const timings = await measureBenchmarks(engine, benchmarks);
    const details: string[] = [];
    let overBudget = 0;
    let regressed = 0;
    let errors = 0;
    const results = benchmarks.map((benchmark): BenchmarkResult => {
      const now = timings[benchmark.name];
      const earlier = benchmarksBefore?.[benchmark.name];
      const before = earlier && earlier.error === undefined ? earlier.median_ms : null;
      const result = {
        name: benchmark.name,
        median_ms: now?.median_ms ?? null,
        min_ms: now?.min_ms ?? null,
        budget_ms: benchmark.budget_ms ?? null,
        before_median_ms: before,
        max_regression: benchmark.max_regression ?? null,
      };
      const label = `benchmark "${benchmark.name}"`;
      if (!now || now.error !== undefined || now.median_ms === null) {
        errors++;
        details.push(`${label}: ${now?.error ?? "did not run"}`);
        return { ...result, passed: false };
      }
      const median = now.median_ms;
      let passed = true;
      if (benchmark.budget_ms !== undefined && median > benchmark.budget_ms) {
        overBudget++;
        passed = false;
        details.push(`${label}: median ${median} ms exceeds its budget of ${benchmark.budget_ms} ms`);
      }
      if (benchmark.max_regression !== undefined && before !== null && isRegression(before, median, benchmark.max_regression)) {
        regressed++;
        passed = false;
        const percent = before > 0 ? `+${Math.round(((median - before) / before) * 100)}%` : "from 0 ms";
        details.push(`${label}: median ${before} → ${median} ms (${percent}), more than ${benchmark.max_regression}`);
      }
      return { ...result, passed };
    });
    const observed = { benchmarks: results.length, over_budget: overBudget, regressed, errors, results };
    const failed = results.filter((result) => !result.passed).length;
    if (failed === 0) {
      const compared = benchmarksBefore ? ", no regression" : "";
      return { id, status: "pass", summary: `${plural(results.length, "benchmark")} within budget${compared}`, observed, details };
    }
    const parts = [
      ...(overBudget > 0 ? [`${overBudget} over budget`] : []),
      ...(regressed > 0 ? [`${regressed} regressed`] : []),
      ...(errors > 0 ? [`${errors} failed to run`] : []),
    ];
    return {
      id,
      status: "fail",
      summary: `${failed} of ${plural(results.length, "benchmark")} failed: ${parts.join(", ")}`,
      observed,
      details: limitDetails(details),
    };
  },
};
