import type { Engine } from "../db/engine.js";
import { InputError } from "../errors/drydock-error.js";
import type { MigrationFailure } from "../execute/migration-failure.js";
import { prepareDownMigrations, prepareMigrations } from "../execute/prepare-migrations.js";
import type { PreparedMigration } from "../execute/prepared-migration.js";
import { type RunMigrationsOptions, runMigrations } from "../execute/run-migrations.js";
import type { Migration } from "../model/migration.js";
import type { RollbackDrill, RollbackDrillData } from "../model/report.js";
import type { Snapshot, SnapshotDifference } from "../model/snapshot.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { plural } from "../util/plural.js";
import { fingerprintTableData, type TableData, type TableDataFingerprint, type TableDataLimits } from "./fingerprint-table-data.js";

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
  /**
   * The data of the tables of `before`, read before the migrations ran (`takeDrillDataBefore`),
   * or why it was not read; then only the catalog is compared.
   */
  data: TableDataFingerprint | { notRead: string };
  schemas: readonly string[];
  run: Omit<RunMigrationsOptions, "direction" | "inspectBeforeCommit">;
}

/**
 * The rollback drill (SPEC §7 Rehearse step 6): the down migrations in reverse order, then the
 * catalog must equal the one before, and so must the data of the tables that existed before
 * (row counts, and content over the columns still there, see `fingerprintTableData`); the ups
 * again, then the catalog must equal the one after. `irreversible` when a migration has no down
 * (nothing runs); `fail` with the failing down or the differences. Column order is not
 * compared: a down that re-adds a dropped column can only put it last, and PostgreSQL offers no
 * way to do better.
 *
 * The data after the ups again is not compared with the data after: once the downs gave back
 * the data of before, the ups start again from what they started from the first time, so what
 * could still differ is what an up does not repeat (`now()`, `random()`, sequence values that
 * the downs do not rewind, rows the seed added after the first run), which is no fault of the
 * downs and would fail sound migrations.
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
  // Read before the ups again, which change the data once more.
  const data =
    "notRead" in input.data
      ? notCompared(input.data.notRead)
      : compareData(input.data, await fingerprintTableData(engine, afterDown, { like: input.data }));
  const ups = input.ups ?? (await prepareMigrations(input.migrations));
  const up = await runMigrations(engine, ups, { ...input.run, direction: "up", ...labelled(input.run, "up again") });
  if (up.failed) {
    return {
      status: "fail",
      details: [
        ...explain("after the downs", downDifferences),
        ...data.differences,
        `applying again after the downs: ${describe(up.failed)}`,
        ...data.notes,
      ],
      differences: { after_down: downDifferences, after_up: [] },
      duration_ms: duration(),
      data: data.numbers,
      ...(data.changes.length > 0 ? { warnings: data.changes } : {}),
    };
  }
  const afterUp = await takeSnapshot(engine, { schemas: input.schemas });
  const upDifferences = compareSnapshots(input.after, afterUp, { ignoreColumnOrder: true });
  const passed = downDifferences.length === 0 && upDifferences.length === 0 && data.differences.length === 0;
  return {
    status: passed ? "pass" : "fail",
    details: passed
      ? [
          `${input.migrations.length} down migration${input.migrations.length === 1 ? "" : "s"} restored the catalog of before; the ups restored the catalog of after`,
          data.summary,
          ...data.notes,
        ]
      : [
          ...explain("after the downs, compared with before", downDifferences),
          ...data.differences,
          ...explain("after the ups again, compared with after", upDifferences),
          ...data.notes,
        ],
    differences: { after_down: downDifferences, after_up: upDifferences },
    duration_ms: duration(),
    data: data.numbers,
    ...(data.changes.length > 0 ? { warnings: data.changes } : {}),
  };
}

/**
 * The drill's data input for a rehearsal, read at its snapshot before (the migrations have not
 * run yet). Not read when the drill will not compare it: no migration, or one without a down
 * (the drill is then `skip` or `irreversible`), or a seed that is loaded after the migrations,
 * whose rows in the tables of before a down could not be expected to remove.
 */
export async function takeDrillDataBefore(
  engine: Engine,
  snapshot: Snapshot,
  input: { migrations: readonly Migration[]; isSeedLoadedLater: boolean; limits?: Partial<TableDataLimits> },
): Promise<RollbackDrillInput["data"]> {
  if (input.migrations.length === 0 || input.migrations.some((migration) => migration.down === null)) {
    return { notRead: "the drill has no down migrations to run" };
  }
  if (input.isSeedLoadedLater) {
    return {
      notRead: "the seed is loaded after the migrations (empty baseline), so the data of before is not the data the downs must restore",
    };
  }
  return fingerprintTableData(engine, snapshot, input.limits ? { limits: input.limits } : {});
}

interface DataComparison {
  /** One line per table that lost data (rows, or values in a column): reasons to fail. */
  differences: string[];
  /**
   * One line per table whose values changed but were not lost (as many rows, as many values in
   * each column): said, not failed. An up whose backfill fires an `updated_at` trigger on rows
   * of before changes them for good, and a sound migration must not be NO-GO for it.
   */
  changes: string[];
  /** The line a passing drill gives. */
  summary: string;
  /** Tables that could not be read before the migrations: said, not failed. */
  notes: string[];
  numbers: RollbackDrillData;
}

function notCompared(reason: string): DataComparison {
  return {
    differences: [],
    changes: [],
    summary: `the data was not compared: ${reason}`,
    notes: [],
    numbers: { tables_compared: 0, tables_count_only: 0, tables_differing: 0, tables_unreadable: 0, rows_read: 0, not_compared: reason },
  };
}

/**
 * The data of before against the data after the downs, table by table. A table missing after
 * the downs is left to the catalog comparison, which names it; so are missing columns, and the
 * content is then compared over the columns that remain.
 */
function compareData(before: TableDataFingerprint, after: TableDataFingerprint): DataComparison {
  const afterByName = new Map(after.tables.map((table) => [`${table.schema}.${table.name}`, table]));
  const differences: string[] = [];
  const changes: string[] = [];
  const notes: string[] = [];
  const numbers: RollbackDrillData = {
    tables_compared: 0,
    tables_count_only: 0,
    tables_differing: 0,
    tables_unreadable: 0,
    rows_read: before.rowsRead + after.rowsRead,
  };
  for (const earlier of before.tables) {
    const name = `${earlier.schema}.${earlier.name}`;
    const later = afterByName.get(name);
    if (earlier.mode === "unreadable") {
      numbers.tables_unreadable += 1;
      notes.push(`the data of ${name} was not compared: it could not be read before the migrations: ${earlier.reason}`);
      continue;
    }
    if (!later) continue;
    if (later.mode === "unreadable") {
      numbers.tables_unreadable += 1;
      differences.push(`after the downs, the data of ${name} could not be read: ${later.reason}`);
      continue;
    }
    numbers.tables_compared += 1;
    if (earlier.mode === "count") numbers.tables_count_only += 1;
    const difference = differenceOf(earlier, later);
    if (difference === null) continue;
    numbers.tables_differing += 1;
    (difference.lost ? differences : changes).push(`after the downs, the data of ${name} ${difference.text}`);
  }
  const countOnly = numbers.tables_count_only > 0 ? `, ${numbers.tables_count_only} by row count only (past the drill's read limits)` : "";
  const summary =
    before.tables.length === 0
      ? "no table existed before the migrations: no data to compare after the downs"
      : numbers.tables_compared === 0
        ? "the data of no table of before could be compared after the downs"
        : `the downs kept the data of ${plural(numbers.tables_compared, "table")} of before (${numbers.tables_compared - numbers.tables_count_only} by content${countOnly}; ${rowCount(numbers.rows_read)} read)`;
  return { differences, changes, summary, notes, numbers };
}

/**
 * How one table's data differs, as the end of a sentence that starts with its name, and whether
 * data was lost (fewer or more rows, fewer values in a column: a down that drops and adds back a
 * column, deletes or recreates) rather than changed; null when it does not differ.
 */
function differenceOf(earlier: TableData, later: TableData): { text: string; lost: boolean } | null {
  const byCount = earlier.mode === "count" ? ` (compared by row count only: ${earlier.reason})` : "";
  if (earlier.rows !== later.rows) {
    return { text: `differs: ${rowCount(earlier.rows)} before, ${later.rows.toLocaleString("en-US")} after${byCount}`, lost: true };
  }
  if (earlier.mode === "count") return null;
  const rows = `${rowCount(earlier.rows)} before and after`;
  const emptied = Object.keys(later.columns)
    .filter((column) => (later.filled[column] ?? 0) < (earlier.filled[column] ?? 0))
    .sort();
  if (emptied.length > 0) {
    const lost = emptied.map(
      (column) =>
        `column ${column} (${earlier.filled[column] ?? 0} of ${rowCount(earlier.rows)} held one before, ${later.filled[column] ?? 0} after)`,
    );
    return { text: `lost values in ${lost.join(", ")}`, lost: true };
  }
  const changed = Object.keys(later.columns)
    .filter((column) => later.columns[column] !== earlier.columns[column])
    .sort();
  if (changed.length > 0) {
    return {
      text: `differs in ${changed.length === 1 ? "column" : "columns"} ${changed.join(", ")} (${rows}; no value lost: rewritten by an up, or by a trigger it fired, and not put back by the downs)`,
      lost: false,
    };
  }
  // Only comparable when every column of before is still there; otherwise the catalog comparison names the missing ones.
  const isWhole = Object.keys(earlier.columns).length === Object.keys(later.columns).length;
  if (isWhole && earlier.rowsHash !== later.rowsHash) {
    return { text: `differs: each column holds the values of before, but not in the same rows (${rows})`, lost: false };
  }
  return null;
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

/** "1 row", "12,500 rows": tables on a copy of production run to millions. */
function rowCount(rows: number): string {
  return `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"}`;
}
