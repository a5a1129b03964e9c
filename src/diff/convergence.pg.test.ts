import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, it } from "vitest";
import { corpusProject, hasCorpus, readCorpusSet } from "../../test/support/corpus.js";
import {
  type ApplyRandomEditsResult,
  applyRandomEdits,
  type EditKind,
  editKinds,
  type SchemaEdit,
  seededRandom,
} from "../../test/support/schema-edits.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { apply } from "../api/apply.js";
import { loadProject } from "../api/load-project.js";
import type { Snapshot, SnapshotDifference } from "../model/snapshot.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { generateDiffSql } from "./generate-diff-sql.js";

const repositoryRoot = resolve(fileURLToPath(new URL("../../", import.meta.url)));

/** 200 pairs by default; `DRYDOCK_CONVERGENCE_PAIRS=2000` for the long run. */
const pairCount = Number(process.env.DRYDOCK_CONVERGENCE_PAIRS ?? 200);
/** Pair i uses seed `firstSeed + i`: `DRYDOCK_CONVERGENCE_SEED=<seed> DRYDOCK_CONVERGENCE_PAIRS=1` replays one pair. */
const firstSeed = Number(process.env.DRYDOCK_CONVERGENCE_SEED ?? 20_250_601);
if (!Number.isInteger(pairCount) || pairCount < 1 || !Number.isInteger(firstSeed)) {
  throw new Error("DRYDOCK_CONVERGENCE_PAIRS must be a positive integer and DRYDOCK_CONVERGENCE_SEED an integer");
}
const pairsPerTest = 50;
/**
 * Corpus sets that apply in a second or two and round-trip (src/diff/round-trip.pg.test.ts).
 * A pair's seed picks its base among saas, saas with rows, and these (when the corpus is there).
 */
const corpusBases = ["umami", "openfga", "authelia"];

/** A database every pair starts from, and its snapshot (state A of every pair on it). */
interface Base {
  name: string;
  db: TestDatabase;
  schemas: string[];
  snapshot: Snapshot;
  hasRows: boolean;
}

interface PairFailure {
  seed: number;
  base: string;
  edits: SchemaEdit[];
  statements: string[];
  failedStatement?: string;
  error?: string;
  differences?: SnapshotDifference[];
  leftover?: string[];
}

const tally = { pairs: 0, edits: new Map<EditKind, number>(), rejected: 0, statements: 0 };

/** Every schema of a database but PostgreSQL's own and drydock's (as the round trip reads them). */
async function userSchemas(db: TestDatabase): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'drydock')",
  );
  return rows.map((row) => row.name);
}

/** A corpus set applied with drydock (sets without a prelude, which would create server-wide roles). */
async function corpusBase(name: string): Promise<Base> {
  const set = readCorpusSet(name);
  const db = await createTestDatabase("drydock_converge");
  const result = await apply(corpusProject(set), { url: db.url, verify: false, noEvidence: true });
  if (result.failed) throw new Error(`corpus set ${name} did not apply: ${JSON.stringify(result.failed)}`);
  const schemas = await userSchemas(db);
  // Some sets insert rows of their own (umami its admin user).
  const counted = await takeSnapshot(db.engine, { schemas, exactCounts: true });
  const hasRows = counted.statistics.relations.some((relation) => (relation.row_count ?? 0) > 0);
  return { name, db, schemas, snapshot: await takeSnapshot(db.engine, { schemas }), hasRows };
}

async function saasBase(withSeed: boolean): Promise<Base> {
  const project = await loadProject({ dir: join(repositoryRoot, "examples/saas"), environment: {} });
  const db = await createTestDatabase("drydock_converge");
  const result = await apply(project, { url: db.url, verify: false, noEvidence: true });
  if (result.failed) throw new Error(`examples/saas did not apply: ${JSON.stringify(result.failed)}`);
  if (withSeed) await db.exec(await readFile(join(project.root, "seed.sql"), "utf8"));
  const schemas = project.config.project.schemas;
  const snapshot = await takeSnapshot(db.engine, { schemas });
  return { name: withSeed ? "saas with seed.sql" : "saas", db, schemas, snapshot, hasRows: withSeed };
}

/**
 * One pair. B is the base plus 1–5 random edits, made in a transaction and read back before it
 * is rolled back; then the diff from the base's snapshot to B's is applied to the base (state
 * A) in another transaction, and A's snapshot must equal B's. Transactional DDL lets one
 * database serve every pair: no copies, and the state after ROLLBACK is the base again.
 */
async function runPair(bases: readonly Base[], seed: number): Promise<PairFailure | null> {
  const random = seededRandom(seed);
  const base = random.pick(bases);
  if (!base) throw new Error("no base database");
  const { engine } = base.db;
  await engine.exec("BEGIN");
  let made: ApplyRandomEditsResult;
  let target: Snapshot;
  try {
    made = await applyRandomEdits(engine, { schemas: base.schemas, random, count: 1 + random.int(5), hasRows: base.hasRows });
    target = await takeSnapshot(engine, { schemas: base.schemas });
  } finally {
    await engine.exec("ROLLBACK");
  }
  const { edits } = made;
  tally.pairs++;
  tally.rejected += made.rejected.length;
  for (const edit of edits) tally.edits.set(edit.kind, (tally.edits.get(edit.kind) ?? 0) + 1);
  const statements = generateDiffSql(base.snapshot, target);
  tally.statements += statements.length;
  const failure = { seed, base: base.name, edits, statements };
  await engine.exec("BEGIN");
  try {
    for (const statement of statements) {
      try {
        await engine.exec(statement);
      } catch (error) {
        return { ...failure, failedStatement: statement, error: (error as Error).message };
      }
    }
    const reached = await takeSnapshot(engine, { schemas: base.schemas });
    // The diff makes a rename a drop and an add, which puts the column last: after a rename,
    // positions are left out (as a rollback drill may; PostgreSQL cannot reorder columns).
    const ignoreColumnOrder = edits.some((edit) => edit.kind === "rename column");
    const differences = compareSnapshots(target, reached, { ignoreColumnOrder });
    const leftover = generateDiffSql(reached, target);
    return differences.length > 0 || leftover.length > 0 ? { ...failure, differences, leftover } : null;
  } finally {
    await engine.exec("ROLLBACK");
  }
}

function describeFailure(failure: PairFailure): string {
  const lines = [
    `pair seed ${failure.seed} on ${failure.base} (replay: DRYDOCK_CONVERGENCE_SEED=${failure.seed} DRYDOCK_CONVERGENCE_PAIRS=1)`,
    "edits:",
    ...failure.edits.map((edit) => `  [${edit.kind}] ${edit.sql.replace(/\n/g, "\n    ")}`),
    "diff:",
    ...failure.statements.map((statement) => `  ${statement.replace(/\n/g, "\n  ")}`),
  ];
  if (failure.failedStatement) lines.push(`failed: ${failure.failedStatement}`, `error: ${failure.error}`);
  if (failure.differences?.length)
    lines.push("differences (B → A after the diff):", ...failure.differences.map((d) => `  ${JSON.stringify(d)}`));
  if (failure.leftover?.length) lines.push("diff left over:", ...failure.leftover.map((statement) => `  ${statement}`));
  return lines.join("\n");
}

describe("generateDiffSql converges random schema pairs", () => {
  const bases: Base[] = [];

  beforeAll(async () => {
    bases.push(await saasBase(false), await saasBase(true));
    if (hasCorpus) for (const name of corpusBases) bases.push(await corpusBase(name));
  }, 300_000);

  afterAll(async () => {
    for (const base of bases) await base.db.drop();
    const kinds = editKinds.map((kind) => `${kind}: ${tally.edits.get(kind) ?? 0}`).join(", ");
    console.log(
      `convergence: ${tally.pairs} pairs, ${tally.statements} diff statements, ${tally.rejected} edits refused by PostgreSQL; ${kinds}`,
    );
  });

  for (let start = 0; start < pairCount; start += pairsPerTest) {
    const end = Math.min(pairCount, start + pairsPerTest);
    it(`pairs ${start + 1}–${end} (seeds ${firstSeed + start}–${firstSeed + end - 1})`, async () => {
      const failures: PairFailure[] = [];
      for (let index = start; index < end; index++) {
        const seed = (firstSeed + index) >>> 0;
        const failure = await runPair(bases, seed).catch((error: unknown) => {
          throw new Error(`pair seed ${seed}: ${(error as Error).message}`, { cause: error });
        });
        if (failure) failures.push(failure);
      }
      if (failures.length > 0) {
        throw new Error(`${failures.length} of ${end - start} pairs did not converge\n\n${failures.map(describeFailure).join("\n\n")}`);
      }
    }, 900_000);
  }
});
