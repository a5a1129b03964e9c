import { type AnalyzedStatement, analyzeStatement } from "../analyze/analyze-statement.js";
import { alwaysPresentSchemas } from "../analyze/catalog/pg-catalog-names.js";
import { type NamedRef, NameResolver } from "../analyze/name-resolver.js";
import type { ForeignKeyFact, IndexFact } from "../analyze/statement-facts-builder.js";
import type { LockMode, ObjectRef, RelationLock } from "../model/analysis.js";
import { lockModes } from "../model/analysis.js";
import type { Migration } from "../model/migration.js";
import type { Plan, PlanFinding, PlannedMigration } from "../model/plan.js";
import { ParseAhead, parseAheadMinimum } from "../parse/parse-ahead.js";
import { loadParser, type ParsedScript, parserInputOf, parseSql, parseSqlLoaded } from "../parse/parse-sql.js";
import { sha256 } from "../util/hash.js";
import { type AnalysisSettings, analysisKey } from "./analysis-key.js";
import { type AnalysisStore, analyzeMigration, type MigrationAnalysis } from "./analyze-migration.js";
import { dependencyGroups, findCycles } from "./dependency-groups.js";
import { ImpliedLocks } from "./implied-locks.js";
import { type KnownObject, keyOf, type ObjectOrigin, ObjectRegistry } from "./object-registry.js";

export interface BuildPlanInput {
  /** Every migration, in apply order; applied ones build up the known objects. */
  migrations: readonly Migration[];
  /** Versions to plan; others are replayed for their objects only. Null: all are pending. */
  pending: ReadonlySet<string> | null;
  /** SQL run before the migrations (sandbox preludes), whose objects exist. */
  preludes?: ReadonlyArray<{ file: string; sql: string }>;
  /** `project.external`: names of objects provided outside the migrations, e.g. "auth.users". */
  external?: readonly string[];
  /** Objects already in the target database. */
  targetObjects?: readonly ObjectRef[];
  /**
   * The target's foreign keys and indexes: the tables a pending migration locks when it drops
   * one, or a table holding one, that no migration made.
   */
  targetLinks?: { foreignKeys: readonly ForeignKeyFact[]; indexes: readonly IndexFact[] };
  /** Fingerprint of the target's schema for the plan hash; "none" without a target. */
  targetFingerprint?: string;
  searchPath: readonly string[];
  /** `apply.transaction = "all"`: a statement refused in a transaction block is a finding. */
  singleTransaction?: boolean;
  /** Dependencies declared outside the files (Sqitch plan `[requires]`), by version. */
  declaredRequires?: ReadonlyMap<string, readonly string[]>;
  serverMajor?: number;
  /** Analyses kept between runs (`.drydock/cache/`); none: analyse every migration. */
  store?: AnalysisStore;
  /**
   * From how many characters of SQL to parse a second thread parses ahead of the analysis
   * (`ParseAhead`); default its measured break-even, `Infinity` never.
   */
  parseAheadFrom?: number;
  /**
   * Called for each migration in order as soon as it is analysed, with its script, so a later
   * stage (lint) can use both while they are fresh. A migration whose analysis is cached is
   * parsed for it too (on the second thread with the others, when there are many).
   */
  onAnalyzed?: (migration: Migration, analysis: MigrationAnalysis, script: ParsedScript) => Promise<void>;
  /**
   * Index of the first migration `onAnalyzed` is called for (default 0): the caller has what it
   * needs of the ones before (a lint checkpoint), so they are not parsed for it.
   */
  onAnalyzedFrom?: number;
  /** Scripts the caller parsed already (a rehearsal parses every migration first), by version. */
  knownScripts?: ReadonlyMap<string, ParsedScript>;
}

/** Kinds whose absence PostgreSQL reports when the statement runs; the others are matched by derived names, so only soft. */
const checkedKinds = new Set([
  "schema",
  "table",
  "view",
  "materialized_view",
  "sequence",
  "type",
  "enum",
  "domain",
  "function",
  "procedure",
  "extension",
]);
/**
 * Kinds that belong to the cluster, not the database: a project may use roles that no migration
 * creates (Supabase's `authenticated`, `postgres`, roles made by ops), so a missing one is no
 * `unknown-reference`. One that a later migration creates is an `ordering-violation`: the
 * project itself says the role may not exist before then.
 */
const clusterKinds = new Set(["role"]);
/** Kinds whose repeated creation is an error PostgreSQL raises and whose names are written out. */
const duplicateKinds = new Set([...checkedKinds, "trigger", "policy", "column"]);

/**
 * The plan of SPEC §5: replays every migration statement by statement over the objects that
 * exist (built-ins, preludes, `external`, the target, earlier migrations), and reports what each
 * pending migration creates, needs and locks, the dependency graph between migrations, and the
 * findings `ordering-violation`, `unknown-reference`, `dependency-cycle`, `duplicate-object`
 * and `concurrent-in-transaction`. Syntax errors throw (exit 2) before anything is planned.
 */
export async function buildPlan(input: BuildPlanInput): Promise<Plan> {
  const registry = new ObjectRegistry();
  const impliedLocks = new ImpliedLocks();
  for (const schema of alwaysPresentSchemas) registry.add({ kind: "schema", name: schema }, { source: "preset" });
  for (const name of input.external ?? []) addExternal(registry, name);
  for (const object of input.targetObjects ?? []) registry.add(object, { source: "target" });
  for (const prelude of input.preludes ?? []) {
    const script = await parseSql(prelude.file, prelude.sql);
    const resolver = new NameResolver([...input.searchPath]);
    for (const statement of script.statements) {
      const facts = analyzeStatement(statement, resolver, { serverMajor: input.serverMajor });
      impliedLocks.apply(facts, removeAndRename(registry, facts).relations);
      addCreated(registry, facts, { source: "prelude" }, []);
    }
  }

  const isPending = (version: string) => input.pending === null || input.pending.has(version);

  // First pass: analyse each migration, and note which migration first creates each object, to
  // tell an ordering violation from an unknown reference.
  const settings = { searchPath: input.searchPath, ...(input.serverMajor !== undefined ? { serverMajor: input.serverMajor } : {}) };
  const analyses = new Map<string, MigrationAnalysis>();
  const firstCreator = new Map<string, { version: string; index: number; line: number }>();
  // Which scripts need parsing is asked of the cache only when there could be enough of them.
  const parseAheadFrom = input.parseAheadFrom ?? parseAheadMinimum;
  const lintedFrom = firstLinted(input);
  const ahead =
    input.migrations.reduce((length, migration) => length + migration.up.sql.length, 0) < parseAheadFrom
      ? null
      : ParseAhead.start(
          input.migrations
            .filter(
              (migration, index) =>
                // With lint (onAnalyzed) every script it gets that the caller does not hold, cached
                // analysis or not; else what the analysis parses. The cache is asked only then.
                (index >= lintedFrom && !input.knownScripts?.has(migration.version)) || !input.store?.get(analysisKey(migration, settings)),
            )
            .map((migration) => parserInputOf(migration.up.sql)),
          parseAheadFrom,
        );
  try {
    await analyzeAll(input, settings, ahead, analyses, firstCreator);
  } finally {
    ahead?.close();
  }

  const findings: PlanFinding[] = [];
  const edges = new Map<string, Set<string>>();
  const planned: PlannedMigration[] = [];
  const declared = new Map<string, string[]>();

  let isTargetLinked = false;
  input.migrations.forEach((migration, index) => {
    const analysis = analyses.get(migration.version);
    if (!analysis) return;
    const { statements, directives, mode } = analysis;
    const requires = [...directives.requires, ...(input.declaredRequires?.get(migration.version) ?? [])];
    declared.set(migration.version, requires);
    const dependsOn = new Set<string>(requires);
    edges.set(migration.version, dependsOn);
    const report = isPending(migration.version)
      ? (finding: Omit<PlanFinding, "file" | "version">) =>
          findings.push({ ...finding, file: migration.up.file, version: migration.version })
      : () => undefined;
    // The target holds what the migrations applied before made, and maybe more: its foreign keys
    // and indexes join those replayed from the migrations, once, before the first pending one.
    if (input.targetLinks && isPending(migration.version) && !isTargetLinked) {
      impliedLocks.addExisting(input.targetLinks.foreignKeys, input.targetLinks.indexes);
      isTargetLinked = true;
    }
    const resolvedReferences = new Map<string, ObjectRef>();
    // Locks on tables the statements do not name, through foreign keys and indexes other migrations made.
    const tablesLockedThrough: RelationLock[] = [];
    const cascades: ObjectRef[] = [];

    for (const facts of statements) {
      const origin: ObjectOrigin = {
        source: "migration",
        version: migration.version,
        file: migration.up.file,
        line: facts.line,
        column: facts.column,
      };
      const at = { line: facts.line, column: facts.column };
      const needed: string[] = [];
      const link = (found: KnownObject) => {
        if (found.origin.source === "migration" && found.origin.version !== migration.version) dependsOn.add(found.origin.version);
      };
      for (const ref of facts.references) {
        const found = registry.find(ref);
        if (found) {
          link(found);
          needed.push(keyOf(found));
          const isOwn = found.origin.source === "migration" && found.origin.version === migration.version;
          if (!isOwn && found.origin.source !== "preset") resolvedReferences.set(keyOf(found), { kind: found.kind, name: found.name });
          continue;
        }
        if (!(checkedKinds.has(ref.kind) || clusterKinds.has(ref.kind)) || facts.tolerantDrop) continue;
        const creator = creatorOf(firstCreator, ref);
        if (creator && (creator.index > index || (creator.version === migration.version && creator.line > facts.line))) {
          const where = creator.version === migration.version ? `line ${creator.line} of this migration` : `migration ${creator.version}`;
          report({
            kind: "ordering-violation",
            severity: "error",
            ...at,
            message: `${describe(ref)} is used here but created later, by ${where}`,
          });
          if (creator.version !== migration.version) dependsOn.add(creator.version);
        } else if (!clusterKinds.has(ref.kind)) {
          report({
            kind: "unknown-reference",
            severity: "error",
            ...at,
            message: `${describe(ref)} is not created by any earlier migration, the prelude, project.external or the target`,
          });
        }
      }
      for (const ref of [...facts.softReferences, ...facts.alters, ...facts.drops]) {
        const found = registry.find(ref);
        if (found) link(found);
      }
      const takenAlong = removeAndRename(registry, facts);
      cascades.push(...takenAlong.objects);
      tablesLockedThrough.push(...impliedLocks.apply(facts, takenAlong.relations), ...takenAlong.tableLocks);
      for (const created of facts.creates) {
        const existing = registry.find(created);
        const exact = existing && keyOf(existing) === keyOf(created);
        if (exact && existing && !facts.tolerantCreate && duplicateKinds.has(created.kind) && isExplicit(created, facts)) {
          // One finding per statement: a duplicate table's columns are the same mistake.
          const first =
            existing.origin.source === "migration"
              ? `migration ${existing.origin.version} (${existing.origin.file}:${existing.origin.line})`
              : `the ${existing.origin.source}`;
          report({
            kind: "duplicate-object",
            severity: "error",
            ...at,
            message: `${describe(created)} already exists: created by ${first}`,
          });
          break;
        }
      }
      addCreated(registry, facts, origin, needed);
    }
    const refusedInTransaction = mode.mode === "statements" && /cannot run inside a transaction block/.test(mode.reason);
    if (analysis.refusedInsideBlock) {
      report({
        kind: "concurrent-in-transaction",
        severity: "error",
        line: analysis.refusedInsideBlock.line,
        column: analysis.refusedInsideBlock.column,
        message: analysis.refusedInsideBlock.message,
      });
    } else if (refusedInTransaction && input.singleTransaction) {
      report({
        kind: "concurrent-in-transaction",
        severity: "error",
        line: 1,
        column: 1,
        message: `${mode.reason}, but apply.transaction = "all" runs every migration in one transaction`,
      });
    }
    if (isPending(migration.version))
      planned.push(summarize(migration, statements, resolvedReferences, dependsOn, mode, tablesLockedThrough, cascades));
  });

  for (const cycle of findCycles(declared)) {
    const [first = ""] = cycle;
    const migration = input.migrations.find((candidate) => candidate.version === first);
    findings.push({
      kind: "dependency-cycle",
      severity: "error",
      file: migration?.up.file ?? "",
      line: 1,
      column: 1,
      version: first,
      message: `declared requirements form a cycle: ${cycle.join(" → ")}`,
    });
  }
  const order = input.migrations.map((migration) => migration.version);
  const pendingOrder = order.filter(isPending);
  const pendingEdges = new Map([...edges].filter(([version]) => isPending(version)));
  return {
    hash: planHash(
      input.migrations.filter((migration) => isPending(migration.version)),
      input.targetFingerprint ?? "none",
    ),
    migrations: planned,
    findings,
    groups: dependencyGroups(pendingOrder, pendingEdges),
  };
}

const relationKinds = new Set<ObjectRef["kind"]>(["table", "view", "materialized_view"]);
/** Kinds a drop takes along that a reviewer should see; columns, constraints and indexes go with their table. */
const cascadedKinds = new Set<ObjectRef["kind"]>([
  ...relationKinds,
  "sequence",
  "function",
  "procedure",
  "policy",
  "trigger",
  "type",
  "enum",
  "domain",
]);

/** What a statement's drops take along unnamed: listed, relations to lock, and the tables of policies and triggers. */
interface TakenAlong {
  objects: ObjectRef[];
  relations: ObjectRef[];
  tableLocks: RelationLock[];
}

/**
 * A statement's drops and renames come first: `DROP COLUMN x, ADD COLUMN x` re-creates x.
 * Returns what its drops took along without naming it (a schema's contents, a CASCADE's
 * dependents), leaving out what is named under a dropped relation (its policies, triggers): those
 * go with it. Dropping a policy or trigger takes ACCESS EXCLUSIVE on its table.
 */
function removeAndRename(registry: ObjectRegistry, facts: AnalyzedStatement): TakenAlong {
  // `DROP FUNCTION f` names the function `public.f(int4)` the registry knows.
  const withoutSignature = (name: string) => name.replace(/\(.*$/s, "");
  const named = new Set(facts.drops.map((dropped) => withoutSignature(dropped.name)));
  const taken: TakenAlong = { objects: [], relations: [], tableLocks: [] };
  const removed: KnownObject[] = [];
  for (const dropped of facts.drops) removed.push(...registry.remove(dropped, { cascade: facts.cascade }));
  const droppedRelations = new Set(removed.filter((object) => relationKinds.has(object.kind)).map((object) => object.name));
  const isUnderDroppedRelation = (name: string) => droppedRelations.has(name.slice(0, name.lastIndexOf(".")));
  for (const object of removed) {
    if (named.has(withoutSignature(object.name)) || !cascadedKinds.has(object.kind) || isUnderDroppedRelation(object.name)) continue;
    taken.objects.push({ kind: object.kind, name: object.name });
    if (relationKinds.has(object.kind)) taken.relations.push({ kind: object.kind, name: object.name });
    const table = object.name.slice(0, object.name.lastIndexOf("."));
    if ((object.kind === "policy" || object.kind === "trigger") && !droppedRelations.has(table)) {
      taken.tableLocks.push({ relation: table, mode: "AccessExclusiveLock" });
    }
  }
  for (const rename of facts.renames) registry.rename(rename.kind, rename.from, rename.to);
  return taken;
}

function addCreated(registry: ObjectRegistry, facts: AnalyzedStatement, origin: ObjectOrigin, needed: string[]): void {
  for (const created of facts.creates) {
    // IF NOT EXISTS leaves an existing object as it was; OR REPLACE keeps its identity.
    if (facts.tolerantCreate && registry.find(created)) continue;
    if (created.kind === "extension") registry.addExtension(created.name, facts.extensionSchema ?? "public", origin);
    else registry.add(created, origin, needed);
  }
}

/** `project.external` names carry no kind: each is known as a relation, a type and a function. */
function addExternal(registry: ObjectRegistry, name: string): void {
  const qualified = name.includes(".") ? name : `public.${name}`;
  for (const kind of ["table", "type", "function"] as const) registry.add({ kind, name: qualified }, { source: "external" });
  registry.add({ kind: "schema", name: qualified.slice(0, qualified.indexOf(".")) }, { source: "external" });
}

function stripSignature(ref: ObjectRef): ObjectRef {
  return ref.kind === "function" || ref.kind === "procedure" ? { kind: "function", name: ref.name.replace(/\(.*$/s, "") } : ref;
}

function creatorOf(firstCreator: ReadonlyMap<string, { version: string; index: number; line: number }>, ref: NamedRef) {
  const bare = ref.name.slice(ref.name.indexOf(".") + 1);
  const names = ref.searchPath ? ref.searchPath.map((schema) => `${schema}.${bare}`) : [ref.name];
  const kinds =
    ref.kind === "type"
      ? ["type", "enum", "domain", "table"]
      : ref.kind === "table"
        ? ["table", "view", "materialized_view", "sequence"]
        : [ref.kind];
  for (const name of names) {
    for (const kind of kinds) {
      const creator = firstCreator.get(keyOf(stripSignature({ kind: kind as ObjectRef["kind"], name })));
      if (creator) return creator;
    }
  }
  return undefined;
}

/** Implicit index and constraint names are guesses; duplicates are only reported for names written out. */
function isExplicit(created: ObjectRef, facts: AnalyzedStatement): boolean {
  return (
    created.kind !== "constraint" &&
    !(created.kind === "index" && facts.kind !== "create_index" && facts.kind !== "create_index_concurrently")
  );
}

function describe(ref: ObjectRef): string {
  return `${ref.kind.replace("_", " ")} ${ref.name}`;
}

function summarize(
  migration: Migration,
  statements: readonly AnalyzedStatement[],
  references: ReadonlyMap<string, ObjectRef>,
  dependsOn: ReadonlySet<string>,
  mode: { mode: "transaction" | "statements"; reason: string },
  tablesLockedThrough: readonly RelationLock[],
  cascades: readonly ObjectRef[],
): PlannedMigration {
  // A temporary table (and what hangs off it) is the session's, gone by the end: no schema change.
  const isTemporary = (name: string) => name.startsWith("pg_temp.");
  const creates = statements.flatMap((facts) => facts.creates).filter((created) => !isTemporary(created.name));
  const inventory: Record<string, number> = {};
  for (const created of creates) inventory[created.kind] = (inventory[created.kind] ?? 0) + 1;
  const statementKinds: Record<string, number> = {};
  for (const facts of statements) statementKinds[facts.kind] = (statementKinds[facts.kind] ?? 0) + 1;
  return {
    version: migration.version,
    name: migration.name,
    file: migration.up.file,
    statements: statements.length,
    statement_kinds: statementKinds,
    inventory,
    creates: creates.map(({ kind, name }) => ({ kind, name })),
    alters: statements.flatMap((facts) => facts.alters).map(({ kind, name }) => ({ kind, name })),
    drops: statements
      .flatMap((facts) => facts.drops)
      .filter((dropped) => !isTemporary(dropped.name))
      .map(({ kind, name }) => ({ kind, name })),
    renames: statements.flatMap((facts) => facts.renames).map(({ kind, from, to }) => ({ kind, from, to })),
    ...(cascades.length > 0 ? { cascades: [...new Map(cascades.map((object) => [keyOf(object), object])).values()] } : {}),
    references: [...references.values()],
    requires: [...dependsOn].filter((version) => version !== migration.version),
    locks: strongestLocks([...statements.flatMap((facts) => facts.locks), ...tablesLockedThrough]).filter(
      (lock) => !isTemporary(lock.relation),
    ),
    reversible: migration.down !== null,
    transaction: { mode: mode.mode, reason: mode.reason },
    pending: true,
  };
}

/** One lock per relation: the strongest any statement takes. */
export function strongestLocks(locks: readonly RelationLock[]): RelationLock[] {
  const strongest = new Map<string, LockMode>();
  for (const lock of locks) {
    const current = strongest.get(lock.relation);
    if (!current || lockModes.indexOf(lock.mode) > lockModes.indexOf(current)) strongest.set(lock.relation, lock.mode);
  }
  return [...strongest].map(([relation, mode]) => ({ relation, mode }));
}

/** SPEC §5: SHA-256 over the pending migrations' (version, checksum) pairs, in order, and the target's fingerprint. */
export function planHash(pending: readonly Migration[], targetFingerprint: string): string {
  return sha256(
    JSON.stringify({ migrations: pending.map((migration) => [migration.version, migration.checksum]), target: targetFingerprint }),
  );
}

/** Index of the first migration `onAnalyzed` gets (and so needs parsing for); past the end without one. */
function firstLinted(input: BuildPlanInput): number {
  return input.onAnalyzed ? (input.onAnalyzedFrom ?? 0) : input.migrations.length;
}

/** First pass: analyses each migration and notes which migration first creates each object. */
async function analyzeAll(
  input: BuildPlanInput,
  settings: AnalysisSettings,
  ahead: ParseAhead | null,
  analyses: Map<string, MigrationAnalysis>,
  firstCreator: Map<string, { version: string; index: number; line: number }>,
): Promise<void> {
  const lintedFrom = firstLinted(input);
  // Lint parses even the migrations whose analyses are cached.
  if (lintedFrom < input.migrations.length) await loadParser();
  for (const [index, migration] of input.migrations.entries()) {
    let script: ParsedScript | undefined;
    const analysis = await analyzeMigration(
      migration,
      settings,
      input.store,
      (parsed) => {
        script = parsed;
      },
      ahead,
    );
    analyses.set(migration.version, analysis);
    if (input.onAnalyzed && index >= lintedFrom) {
      // A cached analysis comes without its script. Its PL/pgSQL bodies passed the check when it
      // was analysed (the cache key covers the SQL and drydock's version): not checked again.
      script ??=
        input.knownScripts?.get(migration.version) ?? parseSqlLoaded(migration.up.file, migration.up.sql, ahead, { checkBodies: false });
      await input.onAnalyzed(migration, analysis, script);
    }
    for (const facts of analysis.statements) {
      for (const created of facts.creates) {
        const key = keyOf(stripSignature(created));
        if (!firstCreator.has(key)) firstCreator.set(key, { version: migration.version, index, line: facts.line });
      }
    }
  }
}
