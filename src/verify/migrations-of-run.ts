import type { Migration } from "../model/migration.js";
import type { PlannedMigration } from "../model/plan.js";
import type { VerifyContext } from "./check.js";

/** A migration this run applied: its plan entry and, when found, its file. */
export interface MigrationOfRun {
  planned: PlannedMigration;
  migration: Migration | undefined;
}

/** The migrations the plan says were applied (its pending ones), in order; none without a plan. */
export function migrationsOfRun(context: VerifyContext): MigrationOfRun[] {
  const files = new Map(context.migrations.map((migration) => [migration.version, migration]));
  return (context.plan?.migrations ?? [])
    .filter((planned) => planned.pending)
    .map((planned) => ({ planned, migration: files.get(planned.version) }));
}
