import { type AnalyzedStatement, analyzeStatement } from "../analyze/analyze-statement.js";
import { NameResolver } from "../analyze/name-resolver.js";
import type { Migration } from "../model/migration.js";
import { type ParsedScript, parseSql } from "../parse/parse-sql.js";
import { sha256 } from "../util/hash.js";
import { cacheFormat } from "./cache-format.js";
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

export interface AnalysisSettings {
  searchPath: readonly string[];
  serverMajor?: number;
}

/** Stores analyses between runs; a miss returns undefined. */
export interface AnalysisStore {
  get(key: string): MigrationAnalysis | undefined;
  set(key: string, analysis: MigrationAnalysis): void;
}

/** Keys already computed, by migration: a plan computes each twice (its own key, then the store's). */
const knownKeys = new WeakMap<Migration, { settings: string; key: string }>();

/** The cache key of a migration's analysis: its SQL (after placeholders) and what the analysis depends on. */
export function analysisKey(migration: Migration, settings: AnalysisSettings): string {
  const settingsKey = JSON.stringify([settings.searchPath, settings.serverMajor ?? null]);
  const known = knownKeys.get(migration);
  if (known?.settings === settingsKey) return known.key;
  const key = sha256(
    JSON.stringify([
      cacheFormat,
      migration.up.sql,
      migration.up.formatAllowsTransaction,
      settings.searchPath,
      settings.serverMajor ?? null,
    ]),
  );
  knownKeys.set(migration, { settings: settingsKey, key });
  return key;
}

/** The part of a migration its analysis reads: the up script's file, text and format. */
export type MigrationScript = Pick<Migration["up"], "file" | "sql" | "formatAllowsTransaction">;

/** A migration's analysis with the script it was made from. */
export interface AnalyzedScript {
  analysis: MigrationAnalysis;
  script: ParsedScript;
}

/** What `analyzeMigration` may be handed besides the migration. */
export interface AnalyzeMigrationOptions {
  /** Keeps analyses between runs. */
  store?: AnalysisStore | undefined;
  /** `analysisKey(migration, settings)` when the caller computed it already. */
  key?: string | undefined;
  /** The analysis made elsewhere (a worker thread), or null: analyse here. */
  made?: Promise<AnalyzedScript | null> | undefined;
  /** Gets the script when the migration was parsed (not for a stored analysis). */
  onParsed?: ((script: ParsedScript) => void) | undefined;
}

/**
 * One migration's analysis: from the store, else as made elsewhere, else parsed and analysed
 * here. Throws its syntax error (file:line:column). When it was parsed, `onParsed` gets the
 * script, so a later stage (lint) need not parse it again.
 */
export async function analyzeMigration(
  migration: Migration,
  settings: AnalysisSettings,
  options: AnalyzeMigrationOptions = {},
): Promise<MigrationAnalysis> {
  const { store } = options;
  const key = store ? (options.key ?? analysisKey(migration, settings)) : "";
  const cached = store?.get(key);
  if (cached) return cached;
  const { analysis, script } = (await options.made) ?? (await analyzeScript(migration.up, settings));
  options.onParsed?.(script);
  store?.set(key, analysis);
  return analysis;
}

/** Parses and analyses an up script. Throws its syntax error (file:line:column). */
export async function analyzeScript(up: MigrationScript, settings: AnalysisSettings): Promise<AnalyzedScript> {
  const script = await parseSql(up.file, up.sql);
  const resolver = new NameResolver([...settings.searchPath]);
  const statements = script.statements.map((statement) => analyzeStatement(statement, resolver, { serverMajor: settings.serverMajor }));
  const directives = readDirectives(up.file, up.sql);
  const mode = decideTransactionMode(script.statements, {
    noTransactionDirective: directives.noTransaction,
    formatAllowsTransaction: up.formatAllowsTransaction,
  });
  const refused = firstRefusedInsideBlock(script.statements);
  const refusedInsideBlock = refused
    ? {
        line: refused.statement.line,
        column: refused.statement.column,
        message: `${refused.refused} runs inside the transaction block opened by BEGIN at line ${refused.opened.line}, and PostgreSQL refuses it there`,
      }
    : null;
  return { analysis: { statements, directives, mode, refusedInsideBlock }, script };
}
