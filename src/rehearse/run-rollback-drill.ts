import type { Engine } from "../db/engine.js";
import { InputError } from "../errors/drydock-error.js";
import type { MigrationFailure } from "../execute/migration-failure.js";
import { prepareDownMigrations, prepareMigrations } from "../execute/prepare-migrations.js";
import type { PreparedMigration } from "../execute/prepared-migration.js";
import { type RunMigrationsOptions, runMigrations } from "../execute/run-migrations.js";
import type { Migration } from "../model/migration.js";
import type { RollbackDrill } from "../model/report.js";
import type { Snapshot, SnapshotDifference } from "../model/snapshot.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";

export interface RollbackDrillInput {
  /** The migrations the rehearsal applied, in apply order. */
  migrations: readonly Migration[];
  /**
   * The same migrations' ups as the rehearsal prepared them (parsed, transaction mode), in the
   * same order, for the ups again; prepared here when absent.
   */
  ups?: readonly PreparedMigration[];
  /** The catalog before they ran, and after. */
  before: Snapshot;
  after: Snapshot;
  schemas: readonly string[];
  run: Omit<RunMigrationsOptions, "direction" | "inspectBeforeCommit">;
}

/**
 * The rollback drill (SPEC §7 Rehearse step 6): the down migrations in reverse order, then the
 * catalog must equal the one before; the ups again, then it must equal the one after.
 * `irreversible` when a migration has no down (nothing runs); `fail` with the failing down or
 * the differences. Column order is not compared: a down that re-adds a dropped column can only
 * put it last, and PostgreSQL offers no way to do better.
 */
export async function runRollbackDrill(engine: Engine, input: RollbackDrillInput): Promise<RollbackDrill> {
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  if (input.migrations.length === 0) return { status: "skip", details: ["no migration was applied: nothing to roll back"] };
  const withoutDown = input.migrations.filter((migration) => migration.down === null);
  if (withoutDown.length > 0) {
    return {
      status: "irreversible",
      details: withoutDown.map((migration) => `${migration.version} ${migration.name} has no down migration (${migration.up.file})`),
    };
  }
  let downs: PreparedMigration[];
  try {
    downs = await prepareDownMigrations([...input.migrations].reverse());
  } catch (error) {
    // A down that does not parse fails the drill; the rehearsal goes on to its verdict.
    if (!(error instanceof InputError)) throw error;
    const where = error.details.location;
    const at = where ? ` at ${where.file}:${where.line}:${where.column}` : "";
    return { status: "fail", details: [`a down migration cannot run${at}: ${error.message}`], duration_ms: duration() };
  }
  const down = await runMigrations(engine, downs, { ...input.run, direction: "down", ...labelled(input.run, "down") });
  if (down.failed) {
    return { status: "fail", details: [`the down of ${describe(down.failed)}`], duration_ms: duration() };
  }
  const afterDown = await takeSnapshot(engine, { schemas: input.schemas });
  const downDifferences = compareSnapshots(input.before, afterDown, { ignoreColumnOrder: true });
  const ups = input.ups ?? (await prepareMigrations(input.migrations));
  const up = await runMigrations(engine, ups, { ...input.run, direction: "up", ...labelled(input.run, "up again") });
  if (up.failed) {
    return {
      status: "fail",
      details: [...explain("after the downs", downDifferences), `applying again after the downs: ${describe(up.failed)}`],
      differences: { after_down: downDifferences, after_up: [] },
      duration_ms: duration(),
    };
  }
  const afterUp = await takeSnapshot(engine, { schemas: input.schemas });
  const upDifferences = compareSnapshots(input.after, afterUp, { ignoreColumnOrder: true });
  const passed = downDifferences.length === 0 && upDifferences.length === 0;
  return {
    status: passed ? "pass" : "fail",
    details: passed
      ? [
          `${input.migrations.length} down migration${input.migrations.length === 1 ? "" : "s"} restored the catalog of before; the ups restored the catalog of after`,
        ]
      : [
          ...explain("after the downs, compared with before", downDifferences),
          ...explain("after the ups again, compared with after", upDifferences),
        ],
    differences: { after_down: downDifferences, after_up: upDifferences },
    duration_ms: duration(),
  };
}

/** Progress events of the drill say which way they run: "down 0003 billing", "up again 0003 billing". */
function labelled(run: RollbackDrillInput["run"], label: string): Pick<RunMigrationsOptions, "onEvent"> {
  const onEvent = run.onEvent;
  if (!onEvent) return {};
  return {
    onEvent: (event) => onEvent("name" in event ? { ...event, name: `${event.name} (${label})` } : event),
  };
}

function describe(failure: MigrationFailure): string {
  return `${failure.version} failed at ${failure.file}:${failure.line}:${failure.column}: ${failure.message} (${failure.sqlstate})`;
}

/** One line per difference, prefixed by when it was seen. */
function explain(when: string, differences: readonly SnapshotDifference[]): string[] {
  return differences.map((difference) => {
    const what = `${difference.kind} ${difference.name}`;
    if (difference.change === "missing") return `${when}: ${what} is missing`;
    if (difference.change === "extra") return `${when}: ${what} is extra`;
    return `${when}: ${what} differs in ${difference.attribute ?? "its definition"} (${JSON.stringify(difference.before)} → ${JSON.stringify(difference.after)})`;
  });
}
