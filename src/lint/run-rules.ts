import { type AnalyzedStatement, analyzeStatement } from "../analyze/analyze-statement.js";
import { NameResolver } from "../analyze/name-resolver.js";
import type { LintFinding, Severity } from "../model/lint.js";
import type { Migration } from "../model/migration.js";
import { type ParsedScript, parseSql } from "../parse/parse-sql.js";
import { type AnalysisSettings, analysisKey } from "../plan/analysis-key.js";
import type { MigrationAnalysis } from "../plan/analyze-migration.js";
import { readDirectives } from "../plan/directives.js";
import { decideTransactionMode } from "../plan/transaction-mode.js";
import { type LintProjectData, LintProjectState } from "./project-state.js";
import type { MigrationContext, Rule, RuleReport } from "./rule.js";

/** What a lint run needs besides the migrations. */
export interface RuleRunSettings {
  /** Versions to lint; the others only build up the project state (already applied). Absent: all. */
  lint?: ReadonlySet<string>;
  rules: readonly Rule[];
  /** `[lint.rules]`: a severity per rule id, or "off". */
  overrides?: Readonly<Record<string, Severity | "off">>;
  serverMajor: number;
  rlsSchemas: readonly string[];
  searchPath: readonly string[];
}

export interface RunRulesInput extends RuleRunSettings {
  /** In apply order. */
  migrations: readonly Migration[];
}

/** What a caller (the plan) already made of a migration: its script when it parsed it, its analysis. */
export interface KnownMigration {
  script?: ParsedScript | undefined;
  analysis?: Pick<MigrationAnalysis, "statements" | "directives" | "mode">;
}

/**
 * A lint run saved after its last migration, to be carried on when migrations are added after
 * them: the project state (rules' own included), the statement findings so far and the
 * suppressions of each linted file. Plain data, for `v8.serialize`.
 */
export interface LintCheckpoint {
  /** The run's settings: a checkpoint serves only a run with the same. */
  settings: string;
  /** The key of each migration it covers, in order (`RuleRun.keyOf`). */
  migrations: string[];
  state: LintProjectData;
  findings: LintFinding[];
  allows: Array<[file: string, allowed: Array<[rule: string, reason: string]>]>;
}

/** Id of the finding for a `-- drydock:allow` without a reason or naming no rule. */
export const invalidSuppression = "invalid-suppression";

/**
 * Runs the rules over the migrations (SPEC §6): each statement's `check` sees the statement,
 * its migration, the project state before it and the target server version; each rule's
 * `finish` sees the whole project at the end. Severities follow `[lint.rules]`; a finding in a
 * file that says `-- drydock:allow <rule> <reason>` is kept but marked suppressed, with the reason.
 */
export async function runRules(input: RunRulesInput): Promise<LintFinding[]> {
  const run = new RuleRun(input);
  for (const migration of input.migrations) {
    await run.add(migration);
  }
  return run.finish();
}

/**
 * A lint run fed one migration at a time, in apply order, so a caller that parses migrations
 * anyway (the plan) lints each as it goes and lets go of its syntax tree.
 */
export class RuleRun {
  /** Findings of the statements' checks (and of bad suppressions); `finish` adds the project's. */
  private findings: LintFinding[] = [];
  private project = new LintProjectState();
  private readonly active: readonly Rule[];
  private readonly knownIds: ReadonlySet<string>;
  private readonly allowsByFile = new Map<string, Map<string, string>>();
  /** Each linted file's text, for the source lines of its findings. */
  private readonly sources = new Map<string, string>();
  /** The keys of the migrations a resumed checkpoint covered, then the migrations added since. */
  private covered: string[] = [];
  private readonly added: Migration[] = [];
  private readonly settingsKey: string;
  /** `keyOf` by migration: a resume compares each key with every checkpoint, and saves them again. */
  private readonly keys = new WeakMap<Migration, string>();

  constructor(private readonly settings: RuleRunSettings) {
    this.active = settings.rules.filter((rule) => settings.overrides?.[rule.id] !== "off");
    this.knownIds = new Set(settings.rules.map((rule) => rule.id));
    // The rules' code is covered by the tool version, which names the cache file.
    this.settingsKey = JSON.stringify([
      this.active.map((rule) => rule.id),
      settings.overrides ?? {},
      settings.serverMajor,
      settings.rlsSchemas,
      settings.searchPath,
    ]);
  }

  /**
   * What a migration's findings and its effect on the project state depend on, besides the
   * migrations before it and the run's settings: its file (findings name it), its SQL and what
   * its analysis depends on (`analysisKey`), and whether this run lints it or only replays it.
   */
  keyOf(migration: Migration): string {
    let key = this.keys.get(migration);
    if (key === undefined) {
      const settings: AnalysisSettings = { searchPath: this.settings.searchPath, serverMajor: this.settings.serverMajor };
      key = `${migration.up.file}\n${analysisKey(migration, settings)}\n${this.shouldLint(migration) ? "lint" : "replay"}`;
      this.keys.set(migration, key);
    }
    return key;
  }

  /**
   * Whether a checkpoint was taken by a run with this run's settings after exactly the first
   * migrations of `migrations` (same files, same SQL, same lint or replay), so it can be resumed.
   */
  covers(checkpoint: Pick<LintCheckpoint, "settings" | "migrations">, migrations: readonly Migration[]): boolean {
    const covered = checkpoint.migrations;
    if (checkpoint.settings !== this.settingsKey || covered.length === 0 || covered.length > migrations.length) return false;
    return covered.every((key, index) => this.keyOf(migrations[index] as Migration) === key);
  }

  /**
   * Carries on from a checkpoint that `covers` the first migrations: its state and findings are
   * taken over, and the caller adds only the migrations after them. Returns how many it covers
   * (0, and nothing taken over, when it does not or migrations were added already).
   */
  resume(checkpoint: LintCheckpoint, migrations: readonly Migration[]): number {
    if (this.added.length + this.covered.length > 0 || !this.covers(checkpoint, migrations)) return 0;
    const covered = checkpoint.migrations;
    this.project = new LintProjectState(checkpoint.state);
    this.findings = checkpoint.findings;
    for (const [file, allowed] of checkpoint.allows) this.allowsByFile.set(file, new Map(allowed));
    for (const migration of migrations.slice(0, covered.length)) {
      if (this.shouldLint(migration)) this.sources.set(migration.up.file, migration.up.sql);
    }
    this.covered = covered;
    return covered.length;
  }

  /**
   * The run so far, to resume later (`resume`). Shares the run's objects: serialise it before
   * adding more migrations.
   */
  checkpoint(): LintCheckpoint {
    return {
      settings: this.settingsKey,
      migrations: [...this.covered, ...this.added.map((migration) => this.keyOf(migration))],
      state: this.project.data(),
      findings: this.findings,
      allows: [...this.allowsByFile].map(([file, allowed]) => [file, [...allowed]]),
    };
  }

  /** Lints one migration (the next in apply order), with what the caller already made of it. */
  async add(migration: Migration, known: KnownMigration = {}): Promise<void> {
    const { settings, project } = this;
    const shouldLint = this.shouldLint(migration);
    this.added.push(migration);
    const script = known.script ?? (await parseSql(migration.up.file, migration.up.sql));
    const directives = known.analysis?.directives ?? readDirectives(migration.up.file, migration.up.sql);
    if (shouldLint) {
      this.sources.set(migration.up.file, migration.up.sql);
      this.allowsByFile.set(migration.up.file, allowsOf(migration, directives.allow, this.knownIds, this.findings));
    }
    const statements = analysesOf(script, known.analysis?.statements, settings);
    const mode =
      known.analysis?.mode ??
      decideTransactionMode(script.statements, {
        noTransactionDirective: directives.noTransaction,
        formatAllowsTransaction: migration.up.formatAllowsTransaction,
      });
    const context: MigrationContext = { migration, mode, statements };
    const createdHere = new Set<string>();
    const qualifier = new NameResolver([...settings.searchPath]);
    for (const { parsed, facts } of statements) {
      // Keep the qualifier's search_path in step with the statements (only SET changes it).
      if (parsed.node.VariableSetStmt) analyzeStatement(parsed, qualifier, { serverMajor: settings.serverMajor });
      const qualify = (relation: unknown) => qualifier.relationName(relation as { schemaname?: string; relname?: string });
      let current: Rule | undefined;
      const statementContext = {
        node: parsed.node,
        parsed,
        facts,
        migration: context,
        project,
        serverMajor: settings.serverMajor,
        rlsSchemas: settings.rlsSchemas,
        isCreatedInThisMigration: (relation: string) => createdHere.has(relation),
        existedBefore: (relation: string) => project.tables.has(relation) && !createdHere.has(relation),
        qualify,
        report: (report: RuleReport) => {
          if (current) this.emit(current, migration.up.file, parsed.line, parsed.column, report);
        },
      };
      if (shouldLint) {
        for (const rule of this.active) {
          current = rule;
          rule.check?.(statementContext);
        }
      }
      current = undefined; // observing reports nothing
      for (const rule of this.active) rule.observe?.(statementContext);
      project.update(parsed.node, facts, { file: migration.up.file, line: parsed.line, column: parsed.column }, qualify);
      for (const created of facts.creates) createdHere.add(created.name);
      // A table created here and renamed is still this migration's own.
      for (const rename of facts.renames) if (createdHere.has(rename.from)) createdHere.add(rename.to);
    }
  }

  /**
   * Runs each rule's `finish` over the whole project; all the findings in file, line, column
   * order. The run can still be checkpointed afterwards: the project's findings are not kept.
   */
  finish(): LintFinding[] {
    const findings = [...this.findings];
    for (const rule of this.active) {
      rule.finish?.({
        project: this.project,
        rlsSchemas: this.settings.rlsSchemas,
        reportAt: (file, line, column, report) => {
          if (this.allowsByFile.has(file) || this.settings.lint === undefined)
            findings.push(this.findingOf(rule, file, line, column, report));
        },
      });
    }
    return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  }

  private shouldLint(migration: Migration): boolean {
    return this.settings.lint === undefined || this.settings.lint.has(migration.version);
  }

  private emit(rule: Rule, file: string, line: number, column: number, report: RuleReport): void {
    this.findings.push(this.findingOf(rule, file, line, column, report));
  }

  private findingOf(rule: Rule, file: string, line: number, column: number, report: RuleReport): LintFinding {
    const reason = this.allowsByFile.get(file)?.get(rule.id);
    const at = report.line ?? line;
    const override = this.settings.overrides?.[rule.id];
    return {
      rule: rule.id,
      severity: override && override !== "off" ? override : rule.severity,
      file,
      line: at,
      column: report.column ?? column,
      message: report.message,
      why: report.why ?? rule.why,
      alternative: report.alternative ?? rule.alternative,
      suppressed: reason !== undefined,
      ...(reason !== undefined ? { suppression_reason: reason } : {}),
      source_line: lineOf(this.sources.get(file) ?? "", at),
    };
  }
}

/**
 * Each statement with its analysis: the plan's when it analysed this script with the same
 * settings (same statements, same search_path), else analysed here.
 */
function analysesOf(script: ParsedScript, known: readonly AnalyzedStatement[] | undefined, settings: RuleRunSettings) {
  if (known && known.length === script.statements.length) {
    return script.statements.map((parsed, index) => ({ parsed, facts: known[index] as AnalyzedStatement }));
  }
  const resolver = new NameResolver([...settings.searchPath]);
  return script.statements.map((parsed) => ({ parsed, facts: analyzeStatement(parsed, resolver, { serverMajor: settings.serverMajor }) }));
}

function allowsOf(
  migration: Migration,
  allows: ReadonlyArray<{ rule: string; reason: string; line: number }>,
  knownIds: ReadonlySet<string>,
  findings: LintFinding[],
): Map<string, string> {
  const allowed = new Map<string, string>();
  for (const allow of allows) {
    const problem = !knownIds.has(allow.rule)
      ? `names no lint rule ("${allow.rule}")`
      : allow.reason.trim() === ""
        ? "gives no reason"
        : null;
    if (problem) {
      findings.push({
        rule: invalidSuppression,
        severity: "error",
        file: migration.up.file,
        line: allow.line,
        column: 1,
        message: `-- drydock:allow ${problem}`,
        why: "A suppression is a decision a reviewer must be able to read: which rule, and why it is safe here.",
        alternative: "-- drydock:allow <rule-id> <why this is safe here>",
        suppressed: false,
      });
      continue;
    }
    allowed.set(allow.rule, allow.reason.trim());
  }
  return allowed;
}

/**
 * Line `line` (1-based) of `text`, or "" past its end. Found by scanning rather than by splitting
 * the file: a finding needs one line, and most files of a large project have a finding or two.
 */
function lineOf(text: string, line: number): string {
  if (line < 1) return "";
  let start = 0;
  for (let current = 1; current < line; current++) {
    const end = text.indexOf("\n", start);
    if (end < 0) return "";
    start = end + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? text.length : end);
}
