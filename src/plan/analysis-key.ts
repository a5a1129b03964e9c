import type { Migration } from "../model/migration.js";
import { sha256 } from "../util/hash.js";
import { cacheFormat } from "./cache-format.js";

// Its own module, without the analyser: a plan whose inputs are cached computes the keys and
// never loads the parser, the analyser or the lint rules.

export interface AnalysisSettings {
  searchPath: readonly string[];
  serverMajor?: number;
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
