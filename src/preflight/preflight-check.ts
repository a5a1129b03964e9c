import type { Config } from "../config/schema.js";
import type { Engine, ServerVersion } from "../db/engine.js";
import type { AppliedMigration } from "../db/history.js";
import type { CheckResult } from "../model/check.js";
import type { Migration } from "../model/migration.js";
import type { Plan } from "../model/plan.js";

/**
 * What a pre-flight check may look at (SPEC §7 Apply step 1). Pre-flight runs before anything
 * changes and only reads; its session is the one `apply` then uses.
 */
export interface PreflightContext {
  engine: Engine;
  config: Config;
  serverVersion: ServerVersion;
  /** The target URL with its password hidden. */
  urlRedacted: string;
  /** Every migration file of the project, in order. */
  migrations: readonly Migration[];
  /** The migrations this apply would run, in order. */
  pending: readonly Migration[];
  /** The plan of the pending migrations against this target. */
  plan: Plan;
  /** `drydock.migrations` as it is now (empty before the first apply). */
  history: readonly AppliedMigration[];
  /** The time pre-flight runs, for ages and windows (passed in: tests choose it). */
  now: Date;
}

/**
 * One pre-flight item: a check with a status and the numbers it saw. `fail` blocks the apply
 * (nothing changed; exit 3 for the checks in `environmentCheckIds`, else 1); `warn` is
 * reported and does not block.
 */
export interface PreflightCheck {
  /** `preflight.<name>`, e.g. `preflight.blocking_sessions`. */
  id: string;
  description: string;
  run(context: PreflightContext): Promise<CheckResult>;
}
