import { type AnalyzedStatement, analyzeStatement } from "../analyze/analyze-statement.js";
import { NameResolver } from "../analyze/name-resolver.js";
import type { Migration } from "../model/migration.js";
import type { ParseAhead } from "../parse/parse-ahead.js";
import { type ParsedScript, parseSql } from "../parse/parse-sql.js";
import { type AnalysisSettings, analysisKey } from "./analysis-key.js";
import { type Directives, readDirectives } from "./directives.js";
import { decideTransactionMode, firstRefusedInsideBlock, type TransactionMode } from "./transaction-mode.js";

/** Everything the plan needs from one migration's text: plain data, so it can be cached. */
export interface MigrationAnalysis {
  statements: AnalyzedStatement[];
  directives: Directives;
  mode: TransactionMode;
  /** A statement PostgreSQL refuses in a transaction block, inside the file's own BEGIN … COMMIT. */
  refusedInsideBlock: { line: number; column: number; message: string } | null;
}

/** Stores analyses between runs; a miss returns undefined. */
export interface AnalysisStore {
  get(key: string): MigrationAnalysis | undefined;
  set(key: string, analysis: MigrationAnalysis): void;
}

/**
 * Parses and analyses one migration's up script. Throws its syntax error (file:line:column).
 * When it parses, `onParsed` gets the script, so a later stage (lint) need not parse it again;
 * a cached analysis has no script. `ahead` may have parsed it already (`ParseAhead`).
 */
export async function analyzeMigration(
  migration: Migration,
  settings: AnalysisSettings,
  store?: AnalysisStore,
  onParsed?: (script: ParsedScript) => void,
  ahead?: ParseAhead | null,
): Promise<MigrationAnalysis> {
  const key = store ? analysisKey(migration, settings) : "";
  const cached = store?.get(key);
  if (cached) return cached;
  const script = await parseSql(migration.up.file, migration.up.sql, ahead);
  onParsed?.(script);
  const resolver = new NameResolver([...settings.searchPath]);
  const statements = script.statements.map((statement) => analyzeStatement(statement, resolver, { serverMajor: settings.serverMajor }));
  const directives = readDirectives(migration.up.file, migration.up.sql);
  const mode = decideTransactionMode(script.statements, {
    noTransactionDirective: directives.noTransaction,
    formatAllowsTransaction: migration.up.formatAllowsTransaction,
  });
  const refused = firstRefusedInsideBlock(script.statements);
  const refusedInsideBlock = refused
    ? {
        line: refused.statement.line,
        column: refused.statement.column,
        message: `${refused.refused} runs inside the transaction block opened by BEGIN at line ${refused.opened.line}, and PostgreSQL refuses it there`,
      }
    : null;
  const analysis = { statements, directives, mode, refusedInsideBlock };
  store?.set(key, analysis);
  return analysis;
}
