import type { AnalyzedStatement } from "../analyze/analyze-statement.js";
import type { LintFinding, Severity } from "../model/lint.js";
import type { Migration } from "../model/migration.js";
import type { ParsedStatement } from "../parse/parse-sql.js";
import type { TransactionMode } from "../plan/transaction-mode.js";
import type { LintProjectState } from "./project-state.js";

export type RuleCategory = "lock" | "destructive" | "security" | "correctness";

/** What a rule reports; location defaults to the statement's first token. */
export interface RuleReport {
  message: string;
  line?: number;
  column?: number;
  /** Overrides the rule's general `why` with a sentence about this case. */
  why?: string;
  /** Overrides the rule's general `alternative`. */
  alternative?: string;
}

/** The migration a statement belongs to, as lint rules see it. */
export interface MigrationContext {
  migration: Migration;
  /** How it runs: in one transaction, or statement by statement. */
  mode: TransactionMode;
  /** Every statement of the migration, parsed and analysed, in order. */
  statements: ReadonlyArray<{ parsed: ParsedStatement; facts: AnalyzedStatement }>;
}

/** What a rule's `check` receives for one statement. */
export interface StatementContext {
  /** The libpg-query node of the statement: `{ IndexStmt: {...} }`. */
  node: Record<string, unknown>;
  parsed: ParsedStatement;
  facts: AnalyzedStatement;
  migration: MigrationContext;
  project: LintProjectState;
  /** PostgreSQL major version rules should assume (`--server-version`, the target's, or `lint.server_version`). */
  serverMajor: number;
  /** Schemas whose tables must have row-level security (`checks.rls.schemas`). */
  rlsSchemas: readonly string[];
  /** Was this relation created earlier in the same migration (so nobody else can be using it)? */
  isCreatedInThisMigration(relation: string): boolean;
  /** Did this relation exist before the migration began (created by an earlier migration)? */
  existedBefore(relation: string): boolean;
  /** Qualifies a RangeVar-like `{ schemaname, relname }` through the migration's search_path. */
  qualify(relation: unknown): string;
  report(finding: RuleReport): void;
}

/** What a rule's optional `finish` receives once every migration has been checked. */
export interface FinishContext {
  project: LintProjectState;
  rlsSchemas: readonly string[];
  /** Reports at a given file and position. */
  reportAt(file: string, line: number, column: number, finding: RuleReport): void;
}

/** A lint rule: one file, its id, its reason and its check (SPEC §6). */
export interface Rule {
  id: string;
  category: RuleCategory;
  severity: Severity;
  /** One line for `--explain` and the docs index. */
  summary: string;
  why: string;
  alternative: string;
  /** Runs for every statement of every linted migration. */
  check?(context: StatementContext): void;
  /**
   * Runs for every statement of every migration, linted or only replayed (already applied in
   * the target), after the checks: to remember in `project.ruleState` what later statements'
   * checks need (a column's type, a function's volatility). Reports nothing.
   */
  observe?(context: StatementContext): void;
  /** Runs once at the end, over what the whole project created (e.g. RLS on every table). */
  finish?(context: FinishContext): void;
}

/** Declares a rule; the identity function gives type checking and one place to add defaults. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

export type { LintFinding };
