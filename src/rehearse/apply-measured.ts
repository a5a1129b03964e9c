import type { Engine } from "../db/engine.js";
import type { PreparedMigration } from "../execute/prepared-migration.js";
import { type RunMigrationsOptions, runMigrations } from "../execute/run-migrations.js";
import type { PlannedMigration } from "../model/plan.js";
import type { ReportStep } from "../model/report.js";
import {
  type CatalogState,
  compareDigests,
  forgetPreparedDigests,
  readCatalogState,
  readCatalogStateSince,
} from "../snapshot/read-catalog-digest.js";
import { comparePrediction } from "./compare-prediction.js";
import { type HeldLock, readHeldLocks } from "./read-held-locks.js";

export type ApplyMeasuredOptions = Omit<RunMigrationsOptions, "inspectBeforeCommit" | "direction">;

/**
 * Applies migrations one by one as `apply` does (SPEC §7 Rehearse step 4) and records, per
 * migration, its duration, the locks it held (pg_locks read in its own transaction just before
 * commit), the catalog change it made (digests before and after) and where that differs from
 * the plan. Inside the transaction only the objects the migration wrote are digested again
 * (`readCatalogStateSince`); the duration leaves out that reading. A statement-by-statement
 * migration holds no lock past each statement, so its locks are not measured
 * (`locks_measured: false`), and its changes come from a full digest after it. Stops at the
 * first failure; later ones are `not-run`.
 */
export async function applyMeasured(
  engine: Engine,
  prepared: readonly PreparedMigration[],
  planned: ReadonlyMap<string, PlannedMigration>,
  options: ApplyMeasuredOptions,
): Promise<ReportStep[]> {
  const steps: ReportStep[] = [];
  let state = await readCatalogState(engine);
  let failed = false;
  for (const migration of prepared) {
    const { version, name } = migration.migration;
    if (failed) {
      steps.push(emptyStep(version, name, "not-run"));
      continue;
    }
    // DEALLOCATE ALL or DISCARD ALL, even in a function body, would take the digest's prepared statements along.
    if (migration.script.statements.some((statement) => /\b(deallocate|discard)\b/i.test(statement.sql))) forgetPreparedDigests(engine);
    let held: HeldLock[] | null = null;
    let inside: CatalogState | null = null;
    let inspectingMs = 0;
    let serverWarnings: string[] = [];
    const result = await runMigrations(engine, [migration], {
      ...options,
      onEvent: (event) => {
        if (event.type === "applied") {
          serverWarnings = event.notices.filter((notice) => notice.severity === "WARNING").map((notice) => notice.message);
        }
        options.onEvent?.(event);
      },
      inspectBeforeCommit: async () => {
        const started = performance.now();
        held = await readHeldLocks(engine);
        inside = await readCatalogStateSince(engine, state);
        inspectingMs = performance.now() - started;
      },
    });
    const failure = result.failed;
    const applied = result.applied[0];
    if (failure || !applied) {
      failed = true;
      steps.push({
        ...emptyStep(version, name, "failed"),
        error: failure
          ? {
              sqlstate: failure.sqlstate,
              message: failure.message,
              file: failure.file,
              line: failure.line,
              column: failure.column,
              hint: failure.hint,
            }
          : null,
      });
      continue;
    }
    const after: CatalogState = inside ?? (await readCatalogState(engine));
    const changes = compareDigests(state.digest, after.digest);
    const locks: HeldLock[] = held ?? [];
    const plan = planned.get(version);
    steps.push({
      version,
      name,
      status: "applied",
      // What the migration took, not drydock's reading of pg_locks and the catalog.
      duration_ms: Math.max(0, Math.round(applied.duration_ms - inspectingMs)),
      locks: locks.map(({ relation, mode }) => ({ relation, mode })),
      locks_measured: held !== null,
      changes,
      predicted_mismatch: plan ? comparePrediction(plan, held, changes, state.digest) : [],
      error: null,
      ...(serverWarnings.length > 0 ? { server_warnings: serverWarnings } : {}),
    });
    state = after;
  }
  return steps;
}

function emptyStep(version: string, name: string, status: ReportStep["status"]): ReportStep {
  return {
    version,
    name,
    status,
    duration_ms: 0,
    locks: [],
    locks_measured: false,
    changes: { created: [], altered: [], dropped: [] },
    predicted_mismatch: [],
    error: null,
  };
}
