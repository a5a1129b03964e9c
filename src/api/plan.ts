import { AnalysisCache } from "../cache/analysis-cache.js";
import { projectFileStamps } from "../cache/file-stamps.js";
import { LintCheckpointCache, type StoredCheckpoint } from "../cache/lint-checkpoint-cache.js";
import { type CachedPlan, PlanCache } from "../cache/plan-cache.js";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { rlsSchemasOf } from "../config/schema.js";
import { type Engine, readServerVersion } from "../db/engine.js";
import { readHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { fingerprintOf, readCatalogNames } from "../db/read-catalog-names.js";
import { readForeignKeysAndIndexes } from "../db/read-foreign-keys-and-indexes.js";
import { type Discovery, discoverProjectMigrations } from "../discover/discover-migrations.js";
import { readSqitchRequires } from "../discover/formats/sqitch.js";
import type { RuleRun } from "../lint/run-rules.js";
import type { ObjectRef } from "../model/analysis.js";
import type { LintFinding } from "../model/lint.js";
import type { Migration } from "../model/migration.js";
import type { Plan, PlanFinding } from "../model/plan.js";
import type { Project } from "../model/project.js";
import { loadParser, type ParsedScript } from "../parse/parse-sql.js";
import { analysisKey } from "../plan/analysis-key.js";
import type { BuildPlanInput } from "../plan/build-plan.js";
import { compareHistory } from "../plan/compare-history.js";
import { readPreludes } from "../rehearse/preludes.js";
import { sha256 } from "../util/hash.js";
import { toolVersion } from "../version.js";

export interface PlanOptions extends TargetChoice {
  /** Plan every migration, not only the pending ones. */
  all?: boolean;
  /** Plan against a target database (its history and objects); default: only when --url or --env is given. */
  useTarget?: boolean;
  /** Keep analyses in `.drydock/cache/` between runs (default true). */
  cache?: boolean;
  /** Plan against this open session (a rehearsal sandbox) instead of opening the target; left open. */
  engine?: Engine;
  /** Also return the lint findings behind the plan's lint summary (`lint_findings`), as a rehearsal reports them. */
  lintFindings?: boolean;
  /** Up scripts the caller already parsed, by version (a rehearsal parses every migration first): not parsed again. */
  parsedScripts?: ReadonlyMap<string, ParsedScript>;
  /** The project's migrations as the caller already discovered them (apply, rehearse): not read again. */
  discovery?: Discovery;
}

/** SPEC §4 `plan --json`, with where the plan was made against. */
export interface PlanResult extends Plan {
  target: { engine: string; url_redacted: string; server_version: string } | null;
  /** With `lintFindings` only (never in `plan --json`): the findings on the planned migrations. */
  lint_findings?: LintFinding[];
}

/** SPEC §4 `plan --json`: the text `JSON.stringify(plan, null, 2)` prints, and the plan's findings. */
export interface PlanJson {
  text: string;
  findings: PlanFinding[];
}

/**
 * Static analysis of the pending migrations (SPEC §5): with a target, the migrations its
 * history lacks, planned over the objects it already holds; without one, every migration,
 * planned from the configured preludes. Reads only.
 */
export async function plan(project: Project, options: PlanOptions = {}): Promise<PlanResult> {
  return (await makePlan(project, options, false)).result;
}

/**
 * `plan` as the text of `JSON.stringify(result, null, 2)`, with its findings (for the exit
 * code). A plan served from unchanged files comes as the text the cache stored, never parsed:
 * for 3,000 migrations that is 3 MB of JSON neither read into objects nor written out again.
 */
export async function planJson(project: Project, options: Omit<PlanOptions, "lintFindings"> = {}): Promise<PlanJson> {
  const made = await makePlan(project, options, true);
  if (!("result" in made)) return { text: withTarget(made.text, null), findings: made.findings };
  const { result, text } = made;
  return { text: text === undefined ? JSON.stringify(result, null, 2) : withTarget(text, result.target), findings: result.findings };
}

/**
 * A plan, with its JSON text when the cache holds it; with `asText`, a plan served from
 * unchanged files is only its text and findings.
 */
type MadePlan = { result: PlanResult; text?: string };
type PlanText = { text: string; findings: PlanFinding[] };

async function makePlan(project: Project, options: PlanOptions, asText: false): Promise<MadePlan>;
async function makePlan(project: Project, options: PlanOptions, asText: true): Promise<MadePlan | PlanText>;
async function makePlan(project: Project, options: PlanOptions, asText: boolean): Promise<MadePlan | PlanText> {
  const settings = project.config.project;
  const wantsTarget = options.engine !== undefined || (options.useTarget ?? (options.url !== undefined || options.env !== undefined));
  const useCache = options.cache !== false;
  const planCache = useCache ? PlanCache.open(project.root, toolVersion) : undefined;
  // Without a target a plan depends only on the project's files and settings: when no file
  // changed since the last plan (same stamps, taken before anything is read), that plan stands.
  const stamps = planCache && !wantsTarget ? projectFileStamps(project) : null;
  if (stamps && asText && !options.lintFindings) {
    const stored = planCache?.textByStamps(stamps);
    if (stored) return { text: stored.text, findings: stored.findings };
  }
  const unchanged = stamps ? planCache?.getByStamps(stamps) : undefined;
  const reused = unchanged ? fromCache(unchanged, options) : null;
  if (unchanged && reused) return { result: reused, text: unchanged.text };
  // Most plans that get here parse: the parser's WASM compiles in the background meanwhile.
  loadParser().catch(() => undefined);
  const { migrations, format } = options.discovery ?? (await discoverProjectMigrations(project));
  const declaredRequires = format === "sqitch" ? await readSqitchRequires(project.migrationsDir, project.root) : undefined;
  let pending: Set<string> | null = null;
  let targetObjects: ObjectRef[] | undefined;
  let targetFingerprint: string | undefined;
  let targetLinks: BuildPlanInput["targetLinks"];
  let serverMajor: number | undefined;
  let target: PlanResult["target"] = null;
  if (options.engine) {
    const read = await readPlanTarget(options.engine, migrations);
    ({ pending, targetObjects, targetFingerprint, targetLinks, serverMajor } = read);
    target = { engine: options.engine.kind, url_redacted: options.engine.urlRedacted, server_version: read.serverVersion };
  } else if (wantsTarget) {
    const resolved = resolveTarget(project, options);
    const engine = await openEngine(resolved.target, { applicationName: "drydock plan" });
    try {
      const read = await readPlanTarget(engine, migrations);
      ({ pending, targetObjects, targetFingerprint, targetLinks, serverMajor } = read);
      target = { engine: resolved.target.engine, url_redacted: resolved.target.urlRedacted, server_version: read.serverVersion };
    } finally {
      await engine.close();
    }
  }
  const preludes = wantsTarget ? [] : await readPreludes(project);
  const planInput = {
    migrations,
    pending: options.all ? null : pending,
    preludes,
    external: settings.external,
    searchPath: settings.search_path,
    singleTransaction: project.config.apply.transaction === "all",
    ...(targetObjects ? { targetObjects } : {}),
    ...(targetFingerprint ? { targetFingerprint } : {}),
    ...(targetLinks ? { targetLinks } : {}),
    ...(declaredRequires ? { declaredRequires } : {}),
    ...(serverMajor !== undefined ? { serverMajor } : { serverMajor: project.config.lint.server_version }),
  };
  const lintSettings = [project.config.lint, project.config.checks.rls, settings.preset];
  const inputKey = useCache ? planInputKey(planInput, lintSettings) : "";
  const cached = planCache?.get(inputKey);
  const fromInputs = cached ? fromCache(cached, options, target) : null;
  if (cached && fromInputs) {
    // Same contents under new stamps (a checkout, a touch): keep the stamps for next time.
    if (stamps) await planCache?.restamp(stamps).catch(() => undefined);
    return { result: fromInputs, text: cached.text };
  }
  // The analyser and the rules load only now: a plan served from the cache (an apply's, most
  // often) never compiles them.
  const [{ buildPlan }, { rules }, { RuleRun }] = await Promise.all([
    import("../plan/build-plan.js"),
    import("../lint/registry.js"),
    import("../lint/run-rules.js"),
  ]);
  const cache = useCache ? AnalysisCache.open(project.root, toolVersion) : undefined;
  // Lint is resumed only when it covers every migration (no target, or --all): the developer's
  // loop. Against a target the pending set changes with every apply, so a checkpoint would
  // rarely serve again and would cost the apply its writing.
  const lintCache = useCache && planInput.pending === null ? LintCheckpointCache.open(project.root, toolVersion) : undefined;
  // Each migration is linted as soon as the plan has analysed it: its syntax tree is dropped
  // right after, instead of all of them being held until the end.
  const ruleRun = new RuleRun({
    ...(planInput.pending ? { lint: planInput.pending } : {}),
    rules,
    overrides: project.config.lint.rules,
    serverMajor: planInput.serverMajor ?? project.config.lint.server_version,
    rlsSchemas: rlsSchemasOf(project.config),
    searchPath: settings.search_path,
  });
  // The migrations a saved lint run covered, unchanged and first in order, are not linted again.
  const resumed = resumeLongest(ruleRun, lintCache?.read() ?? [], migrations);
  const last = migrations[migrations.length - 1];
  let beforeLast = resumed.covered === migrations.length - 1 ? resumed.from : undefined;
  const built = await buildPlan({
    ...planInput,
    onAnalyzed: (migration, analysis, script) => {
      if (lintCache && migration === last && !beforeLast && migrations.length > 1) {
        beforeLast = LintCheckpointCache.store(ruleRun.checkpoint());
      }
      return ruleRun.add(migration, { script, analysis });
    },
    onAnalyzedFrom: resumed.covered,
    ...(options.parsedScripts ? { knownScripts: options.parsedScripts } : {}),
    ...(cache ? { store: cache } : {}),
  });
  const findings = ruleRun.finish();
  const withLint: Plan = { ...built, lint: summarizeLint(findings) };
  // A read-only project folder only costs speed.
  await cache?.save().catch(() => undefined);
  if (lintCache && resumed.covered < migrations.length) {
    const checkpoints = [...(beforeLast ? [beforeLast] : []), LintCheckpointCache.store(ruleRun.checkpoint())];
    await lintCache.write(checkpoints).catch(() => undefined);
  }
  const kept = { ...(stamps ? { stamps } : {}), ...(options.lintFindings ? { lintFindings: findings } : {}) };
  const text = await planCache?.set(inputKey, withLint, kept).catch(() => undefined);
  const result = { ...withLint, target, ...(options.lintFindings ? { lint_findings: findings } : {}) };
  return { result, ...(text !== undefined ? { text } : {}) };
}

/**
 * Resumes a lint run from the saved checkpoint that covers the most of the first migrations;
 * how many it covers (0 when none does) and which checkpoint it was.
 */
function resumeLongest(ruleRun: RuleRun, stored: readonly StoredCheckpoint[], migrations: readonly Migration[]) {
  const usable = stored.filter((checkpoint) => ruleRun.covers(checkpoint, migrations));
  for (const from of usable.sort((a, b) => b.migrations.length - a.migrations.length)) {
    const checkpoint = LintCheckpointCache.restore(from);
    if (checkpoint) return { covered: ruleRun.resume(checkpoint, migrations), from };
  }
  return { covered: 0, from: undefined };
}

/** A cached plan as `plan` returns it; null when the caller wants lint findings it does not hold. */
function fromCache(cached: CachedPlan, options: PlanOptions, target: PlanResult["target"] = null): PlanResult | null {
  if (!options.lintFindings) return { ...cached.plan, target };
  return cached.lintFindings ? { ...cached.plan, target, lint_findings: cached.lintFindings } : null;
}

/**
 * `JSON.stringify({ ...plan, target }, null, 2)` from the text of `JSON.stringify(plan, null, 2)`:
 * the target is the last key, so it goes before the closing brace, indented one level.
 */
export function withTarget(planText: string, target: PlanResult["target"]): string {
  const targetText = JSON.stringify(target, null, 2).replaceAll("\n", "\n  ");
  return `${planText.slice(0, planText.lastIndexOf("\n}"))},\n  "target": ${targetText}\n}`;
}

/** What a plan needs of its target: the server version, what its history lacks, the objects it holds. */
async function readPlanTarget(engine: Engine, migrations: readonly Migration[]) {
  const version = await readServerVersion(engine);
  const history = await readHistory(engine);
  const states = compareHistory(migrations, history);
  const pending = new Set(
    states.filter((entry) => entry.state === "pending" || entry.state === "out-of-order").map((entry) => entry.version),
  );
  // drydock's own schema is not the project's: `approve` or a first apply creates it, and the
  // plan they refer to must keep its hash.
  const databaseObjects = (await readCatalogNames(engine)).filter(
    (object) => !object.name.startsWith("drydock.") && !(object.kind === "schema" && object.name === "drydock"),
  );
  // Roles are the cluster's: present for the plan (a pending migration may create one that
  // exists already), but not in the fingerprint, so that staging and production, whose roles
  // differ, can share a plan hash.
  const roles = await engine.query<{ name: string }>("SELECT rolname::text AS name FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'");
  return {
    serverVersion: version.text,
    serverMajor: version.major,
    pending,
    targetObjects: [...databaseObjects, ...roles.map((role): ObjectRef => ({ kind: "role", name: role.name }))],
    targetFingerprint: fingerprintOf(databaseObjects),
    targetLinks: await readForeignKeysAndIndexes(engine),
  };
}

function summarizeLint(findings: readonly LintFinding[]): NonNullable<Plan["lint"]> {
  const active = findings.filter((finding) => !finding.suppressed);
  const rules: Record<string, number> = {};
  for (const finding of active) rules[finding.rule] = (rules[finding.rule] ?? 0) + 1;
  const count = (severity: string) => active.filter((finding) => finding.severity === severity).length;
  return { error: count("error"), warning: count("warning"), info: count("info"), allowed: findings.length - active.length, rules };
}

/** The key of everything a plan depends on (the migrations' analysis keys cover their SQL and settings). */
function planInputKey(input: BuildPlanInput, lintSettings: unknown): string {
  const settings = { searchPath: input.searchPath, ...(input.serverMajor !== undefined ? { serverMajor: input.serverMajor } : {}) };
  return sha256(
    JSON.stringify({
      migrations: input.migrations.map((migration) => [
        migration.version,
        migration.name,
        migration.checksum,
        migration.down !== null,
        migration.up.file,
        analysisKey(migration, settings),
      ]),
      pending: input.pending ? [...input.pending].sort() : null,
      preludes: (input.preludes ?? []).map((prelude) => [prelude.file, sha256(prelude.sql)]),
      external: input.external ?? [],
      target: input.targetFingerprint ?? "none",
      targetObjects: input.targetObjects?.length ?? 0,
      // Not in the fingerprint (the plan hash): they change what the plan predicts, not what it applies.
      targetLinks: input.targetLinks ? sha256(JSON.stringify(input.targetLinks)) : "none",
      singleTransaction: input.singleTransaction ?? false,
      requires: input.declaredRequires ? [...input.declaredRequires] : [],
      // Lint settings change the lint summary the plan carries.
      lint: lintSettings,
    }),
  );
}
