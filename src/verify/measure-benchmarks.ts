import type { Engine } from "../db/engine.js";
import { ServerError } from "../db/server-error.js";

/** The timings of one benchmark query, in milliseconds. */
export interface BenchmarkTiming {
  /** Each timed run, in order (the warm-up run is not among them). */
  runs_ms: number[];
  /** Null when the query failed before any run finished. */
  min_ms: number | null;
  median_ms: number | null;
  /** The server's error ("42P01 undefined_table: relation … does not exist") when the query failed. */
  error?: string;
}

/** Timings per benchmark name (`checks.benchmark[].name`). */
export type BenchmarkTimings = Record<string, BenchmarkTiming>;

/** A query to time: a `[[checks.benchmark]]` entry of drydock.toml. */
export interface BenchmarkQuery {
  name: string;
  sql: string;
}

/** How `measureBenchmarks` times. */
export interface MeasureBenchmarksOptions {
  /** Timed runs per query, after one untimed warm-up; default 5. */
  runs?: number;
}

/**
 * Times each benchmark query on the engine's session. Each query runs once to warm the caches,
 * then `runs` times, each run inside its own transaction that is rolled back, so a benchmark
 * never changes data and every run starts from the same rows. Only the query is timed
 * (performance.now()), not BEGIN and ROLLBACK. The query is sent with the simple protocol, rows
 * included, as an application would read them. A query the server refuses is recorded with its
 * error and not run again; any other failure (a lost connection) is thrown.
 */
export async function measureBenchmarks(
  engine: Engine,
  benchmarks: readonly BenchmarkQuery[],
  options: MeasureBenchmarksOptions = {},
): Promise<BenchmarkTimings> {
  const runs = Math.max(1, options.runs ?? 5);
  const timings: BenchmarkTimings = {};
  for (const benchmark of benchmarks) {
    const runsMs: number[] = [];
    let error: string | undefined;
    for (let run = 0; run <= runs && error === undefined; run++) {
      await engine.exec("BEGIN");
      try {
        const started = performance.now();
        await engine.exec(benchmark.sql);
        const elapsed = performance.now() - started;
        if (run > 0) runsMs.push(round(elapsed));
      } catch (caught) {
        if (!(caught instanceof ServerError)) throw caught;
        error = `${caught.codeLabel}: ${caught.message}`;
      } finally {
        await engine.exec("ROLLBACK");
      }
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    timings[benchmark.name] = {
      runs_ms: runsMs,
      min_ms: sorted[0] ?? null,
      median_ms: median(sorted),
      ...(error === undefined ? {} : { error }),
    };
  }
  return timings;
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return round(value ?? 0);
}

/** Microsecond precision: finer digits are noise and only bloat report.json. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
