import { type AnalyzedStatement, analyzeStatement } from "../analyze/analyze-statement.js";
import { NameResolver } from "../analyze/name-resolver.js";
import type { LintFinding, Severity } from "../model/lint.js";
import type { Migration } from "../model/migration.js";
import { type ParsedScript, parseSql } from "../parse/parse-sql.js";
import { readDirectives } from "../plan/directives.js";
import { decideTransactionMode } from "../plan/transaction-mode.js";
import { LintProjectState } from "./project-state.js";
import type { MigrationContext, Rule, RuleReport } from "./rule.js";

export interface RunRulesInput {
  /** In apply order. Migrations outside `lint` only build up the project state (already applied). */
  migrations: readonly Migration[];
  lint?: ReadonlySet<string>;
  rules: readonly Rule[];
  /** `[lint.rules]`: a severity per rule id, or "off". */
  overrides?: Readonly<Record<string, Severity | "off">>;
  serverMajor: number;
  rlsSchemas: readonly string[];
  searchPath: readonly string[];
  /** Scripts already parsed and analysed (by the plan), by version: not parsed again. */
  parsed?: ReadonlyMap<string, ParsedScript>;
  analyses?: ReadonlyMap<string, AnalyzedStatement[]>;
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
  const findings: LintFinding[] = [];
  const project = new LintProjectState();
  const active = input.rules.filter((rule) => input.overrides?.[rule.id] !== "off");
  const knownIds = new Set(input.rules.map((rule) => rule.id));
  const allowsByFile = new Map<string, Map<string, string>>();
  const severityOf = (rule: Rule): Severity => {
    const override = input.overrides?.[rule.id];
    return override && override !== "off" ? override : rule.severity;
  };
  const sources = new Map<string, string[]>();
  const emit = (rule: Rule, file: string, line: number, column: number, report: RuleReport) => {
    const reason = allowsByFile.get(file)?.get(rule.id);
    const at = report.line ?? line;
    findings.push({
      rule: rule.id,
      severity: severityOf(rule),
      file,
      line: at,
      column: report.column ?? column,
      message: report.message,
      why: report.why ?? rule.why,
      alternative: report.alternative ?? rule.alternative,
      suppressed: reason !== undefined,
      ...(reason !== undefined ? { suppression_reason: reason } : {}),
      source_line: sources.get(file)?.[at - 1] ?? "",
    });
  };

  for (const migration of input.migrations) {
    const shouldLint = input.lint === undefined || input.lint.has(migration.version);
    const script = input.parsed?.get(migration.version) ?? (await parseSql(migration.up.file, migration.up.sql));
    sources.set(migration.up.file, migration.up.sql.split("\n"));
    const directives = readDirectives(migration.up.file, migration.up.sql);
    if (shouldLint) allowsByFile.set(migration.up.file, allowsOf(migration, directives.allow, knownIds, findings));
    const resolver = new NameResolver([...input.searchPath]);
    const statements = script.statements.map((parsed) => ({
      parsed,
      facts: analyzeStatement(parsed, resolver, { serverMajor: input.serverMajor }),
    }));
    const mode = decideTransactionMode(script.statements, {
      noTransactionDirective: directives.noTransaction,
      formatAllowsTransaction: migration.up.formatAllowsTransaction,
    });
    const context: MigrationContext = { migration, mode, statements };
    const createdHere = new Set<string>();
    const qualifier = new NameResolver([...input.searchPath]);
    for (const { parsed, facts } of statements) {
      // Keep the qualifier's search_path in step with the statements (only SET changes it).
      if (parsed.node.VariableSetStmt) analyzeStatement(parsed, qualifier, { serverMajor: input.serverMajor });
      const qualify = (relation: unknown) => qualifier.relationName(relation as { schemaname?: string; relname?: string });
      if (shouldLint) {
        let current: Rule | undefined;
        const statementContext = {
          node: parsed.node,
          parsed,
          facts,
          migration: context,
          project,
          serverMajor: input.serverMajor,
          rlsSchemas: input.rlsSchemas,
          isCreatedInThisMigration: (relation: string) => createdHere.has(relation),
          existedBefore: (relation: string) => project.tables.has(relation) && !createdHere.has(relation),
          qualify,
          report: (report: RuleReport) => {
            if (current) emit(current, migration.up.file, parsed.line, parsed.column, report);
          },
        };
        for (const rule of active) {
          current = rule;
          rule.check?.(statementContext);
        }
      }
      project.update(parsed.node, facts, { file: migration.up.file, line: parsed.line, column: parsed.column }, qualify);
      for (const created of facts.creates) createdHere.add(created.name);
      // A table created here and renamed is still this migration's own.
      for (const rename of facts.renames) if (createdHere.has(rename.from)) createdHere.add(rename.to);
    }
  }
  for (const rule of active) {
    rule.finish?.({
      project,
      rlsSchemas: input.rlsSchemas,
      reportAt: (file, line, column, report) => {
        if (allowsByFile.has(file) || input.lint === undefined) emit(rule, file, line, column, report);
      },
    });
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
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
