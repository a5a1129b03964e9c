import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
import { measureBenchmarks } from "../measure-benchmarks.js";
import { isRegression, perfBudget } from "./perf-budget.js";

const db = useTestDatabase();

const benchmark = (name: string, sql: string, limits: { budget_ms?: number; max_regression?: string } = {}) => ({ name, sql, ...limits });
const timing = (median: number) => ({ runs_ms: [median], min_ms: median, median_ms: median });

describe("measureBenchmarks", () => {
  it("times each query after a warm-up, rolls back what it does, and records a failing query", async () => {
    await db.current.exec("CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100);");
    const timings = await measureBenchmarks(
      db.current.engine,
      [benchmark("delete", "DELETE FROM t WHERE id > 50"), benchmark("typo", "SELECT * FROM nowhere")],
      { runs: 3 },
    );
    expect(timings.delete?.runs_ms).toHaveLength(3);
    expect(timings.delete?.median_ms).toBeGreaterThan(0);
    expect(timings.delete?.min_ms).toBeLessThanOrEqual(timings.delete?.median_ms ?? 0);
    expect(timings.typo).toEqual({
      runs_ms: [],
      min_ms: null,
      median_ms: null,
      error: expect.stringMatching(/^42P01 undefined_table: relation "nowhere"/),
    });
    const [count] = await db.current.query<{ rows: number }>("SELECT count(*)::int AS rows FROM t");
    expect(count?.rows).toBe(100);
  });
});

describe("perf.budget", () => {
  it("skips when no benchmark is configured", async () => {
    expect(await runCheck(perfBudget, db.current.engine)).toMatchObject({ id: "perf.budget", status: "skip", observed: { benchmarks: 0 } });
  });

  it("passes within budget and without regression", async () => {
    const config = {
      checks: { benchmark: [benchmark("ping", "SELECT 1", { budget_ms: 500, max_regression: "10%" })] },
    };
    const result = await runCheck(perfBudget, db.current.engine, { config, benchmarksBefore: { ping: timing(400) } });
    expect(result).toMatchObject({
      status: "pass",
      summary: "1 benchmark within budget, no regression",
      observed: {
        benchmarks: 1,
        over_budget: 0,
        regressed: 0,
        errors: 0,
        results: [{ name: "ping", budget_ms: 500, before_median_ms: 400 }],
      },
      details: [],
    });
  });

  it("ignores growth under 1 ms whatever its percentage", () => {
    expect(isRegression(0.05, 0.9, "10%")).toBe(false); // +1700%, but 0.85 ms
    expect(isRegression(0.05, 1.05, "10%")).toBe(true);
    expect(isRegression(20, 21.5, "10%")).toBe(false); // 1.5 ms, but +7.5%
    expect(isRegression(20, 22.5, "10%")).toBe(true);
  });

  it("fails over budget, on a regression past its limit, and on a query that fails", async () => {
    const config = {
      checks: {
        benchmark: [
          benchmark("slow", "SELECT pg_sleep(0.02)", { budget_ms: 5 }),
          benchmark("regressed", "SELECT pg_sleep(0.02)", { max_regression: "50%" }),
          benchmark("broken", "SELECT * FROM nowhere", { budget_ms: 100 }),
        ],
      },
    };
    const result = await runCheck(perfBudget, db.current.engine, { config, benchmarksBefore: { regressed: timing(2) } });
    expect(result).toMatchObject({
      status: "fail",
      summary: "3 of 3 benchmarks failed: 1 over budget, 1 regressed, 1 failed to run",
      observed: { benchmarks: 3, over_budget: 1, regressed: 1, errors: 1 },
    });
    expect(result.details).toEqual([
      expect.stringMatching(/^benchmark "slow": median \d+(\.\d+)? ms exceeds its budget of 5 ms$/),
      expect.stringMatching(/^benchmark "regressed": median 2 → \d+(\.\d+)? ms \(\+\d+%\), more than 50%$/),
      expect.stringMatching(/^benchmark "broken": 42P01 undefined_table: relation "nowhere" does not exist$/),
    ]);
  });
});
