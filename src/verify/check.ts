import type { Config } from "../config/schema.js";
import type { Engine } from "../db/engine.js";
import type { CheckResult } from "../model/check.js";
import type { Migration } from "../model/migration.js";
import type { Plan } from "../model/plan.js";
import type { Snapshot } from "../model/snapshot.js";
import type { BenchmarkTimings } from "./measure-benchmarks.js";

/**
 * What a verification check may look at. Checks read only: they never change the database
 * (an isolation probe runs inside a transaction that is rolled back).
 */
export interface VerifyContext {
  /** A session on the database under verification, as a superuser or the migration owner. */
  engine: Engine;
  config: Config;
  /** The migration files of the project, in order. */
  migrations: readonly Migration[];
  /** The plan of the migrations this run applied; null when verifying a live database alone. */
  plan: Plan | null;
  /** The catalog before the migrations, with exact row counts; null when there is no "before". */
  before: Snapshot | null;
  /** The catalog now, with exact row counts. */
  after: Snapshot;
  /** The benchmark queries timed before the migrations; null when there is no "before". */
  benchmarksBefore: BenchmarkTimings | null;
  /**
   * "rehearsal" (default): a sandbox with seeded data, where a check with nothing to look at
   * proves nothing and fails; "live": a real database (apply, verify), where it warns.
   */
  purpose?: "rehearsal" | "live";
}

/** One check of SPEC §7: a contract id and a read-only function of the context. */
export interface Check {
  id: string;
  /** One line: what passing means. */
  description: string;
  run(context: VerifyContext): Promise<CheckResult>;
}
