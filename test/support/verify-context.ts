import { configSchema } from "../../src/config/schema.js";
import type { Engine } from "../../src/db/engine.js";
import type { ObjectRef } from "../../src/model/analysis.js";
import type { CheckResult } from "../../src/model/check.js";
import type { Migration } from "../../src/model/migration.js";
import type { Plan, PlannedMigration } from "../../src/model/plan.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { takeSnapshot } from "../../src/snapshot/take-snapshot.js";
import type { Check, VerifyContext } from "../../src/verify/check.js";
import type { BenchmarkTimings } from "../../src/verify/measure-benchmarks.js";

/** What a check test sets; the rest defaults to an empty project verified without a "before". */
export interface TestContextOptions {
  /** drydock.toml as an object, e.g. `{ checks: { rls: { schemas: ["public"] } } }`. */
  config?: unknown;
  migrations?: Migration[];
  plan?: Plan | null;
  before?: Snapshot | null;
  /** Default: a snapshot taken now, of `project.schemas`, with exact counts. */
  after?: Snapshot;
  benchmarksBefore?: BenchmarkTimings | null;
}

/** A verification context on a real session, as rehearse and apply build it. */
export async function verifyContext(engine: Engine, options: TestContextOptions = {}): Promise<VerifyContext> {
  const config = configSchema.parse(options.config ?? {});
  return {
    engine,
    config,
    migrations: options.migrations ?? [],
    plan: options.plan ?? null,
    before: options.before ?? null,
    after: options.after ?? (await snapshotOf(engine, config.project.schemas)),
    benchmarksBefore: options.benchmarksBefore ?? null,
  };
}

/** Runs one check against the engine's database. */
export async function runCheck(check: Check, engine: Engine, options: TestContextOptions = {}): Promise<CheckResult> {
  return check.run(await verifyContext(engine, options));
}

/** A snapshot with exact row counts, as the verify stage takes them. */
export function snapshotOf(engine: Engine, schemas: readonly string[] = ["public"]): Promise<Snapshot> {
  return takeSnapshot(engine, { schemas, exactCounts: true });
}

/** A plain-format migration file with its up script. */
export function testMigration(version: string, sql: string, checksum = `sha-${version}`): Migration {
  const file = `migrations/${version}.sql`;
  return {
    version,
    name: "",
    kind: "versioned",
    format: "plain",
    up: { file, sql, formatAllowsTransaction: true },
    down: null,
    checksum,
  };
}

/** A plan whose migrations were all applied by this run (`pending`), with what each creates, drops and renames. */
export function testPlan(
  migrations: { version: string; creates?: ObjectRef[]; drops?: ObjectRef[]; renames?: PlannedMigration["renames"] }[],
): Plan {
  const planned = migrations.map(
    (entry): PlannedMigration => ({
      version: entry.version,
      name: "",
      file: `migrations/${entry.version}.sql`,
      statements: 1,
      inventory: {},
      creates: entry.creates ?? [],
      alters: [],
      drops: entry.drops ?? [],
      ...(entry.renames ? { renames: entry.renames } : {}),
      references: [],
      requires: [],
      locks: [],
      reversible: false,
      transaction: { mode: "transaction", reason: "" },
      pending: true,
    }),
  );
  return { hash: "test", migrations: planned, findings: [], groups: [planned.map((entry) => entry.version)] };
}
