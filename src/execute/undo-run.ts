import type { Engine } from "../db/engine.js";
import { InputError } from "../errors/drydock-error.js";
import type { Migration } from "../model/migration.js";
import { prepareDownMigrations } from "./prepare-migrations.js";
import { type RunMigrationsOptions, type RunMigrationsResult, runMigrations } from "./run-migrations.js";

/** How undoing a run went: done, impossible before anything ran (no down, unparsable), or failed on a down. */
export type UndoResult =
  | { status: "undone"; result: RunMigrationsResult }
  | { status: "impossible"; reason: string }
  | { status: "failed"; result: RunMigrationsResult };

/**
 * Runs the down migrations of migrations a run applied, newest first (SPEC §7 Apply step 6,
 * `on_verify_failure = "rollback"`), each with its history row deleted in its own transaction.
 * When one of them has no down script, or a down does not parse, nothing runs: a half-undone
 * run would be worse than the verified-bad one.
 */
export async function undoRun(
  engine: Engine,
  applied: readonly Migration[],
  options: Omit<RunMigrationsOptions, "direction" | "inspectBeforeCommit">,
): Promise<UndoResult> {
  const withoutDown = applied.filter((migration) => migration.down === null);
  if (withoutDown.length > 0) {
    return { status: "impossible", reason: `no down migration for ${withoutDown.map((migration) => migration.version).join(", ")}` };
  }
  let downs: Awaited<ReturnType<typeof prepareDownMigrations>>;
  try {
    downs = await prepareDownMigrations([...applied].reverse());
  } catch (error) {
    if (error instanceof InputError) return { status: "impossible", reason: error.message };
    throw error;
  }
  const result = await runMigrations(engine, downs, { ...options, direction: "down" });
  return result.failed ? { status: "failed", result } : { status: "undone", result };
}
