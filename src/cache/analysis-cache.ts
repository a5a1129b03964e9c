import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AnalysisStore, MigrationAnalysis } from "../plan/analyze-migration.js";
import { replaceCacheFile } from "./cache-file.js";

/**
 * Migration analyses kept in `.drydock/cache/analysis-<tool version>.json`, keyed by what the
 * analysis depends on (see `analysisKey`). A new drydock version starts a new file and removes
 * the old ones, so a changed analyzer never serves stale results. An unreadable cache is
 * ignored: it only saves time.
 */
export class AnalysisCache implements AnalysisStore {
  private readonly entries: Map<string, MigrationAnalysis>;
  private readonly used = new Set<string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    entries: Map<string, MigrationAnalysis>,
  ) {
    this.entries = entries;
  }

  static open(projectRoot: string, toolVersion: string): AnalysisCache {
    const dir = join(projectRoot, ".drydock", "cache");
    const file = join(dir, `analysis-${toolVersion}.json`);
    let entries = new Map<string, MigrationAnalysis>();
    if (existsSync(file)) {
      try {
        entries = new Map(Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, MigrationAnalysis>));
      } catch {
        entries = new Map(); // a torn or foreign file: analyse again and overwrite it
      }
    }
    return new AnalysisCache(file, entries);
  }

  get(key: string): MigrationAnalysis | undefined {
    const found = this.entries.get(key);
    if (found) this.used.add(key);
    return found;
  }

  set(key: string, analysis: MigrationAnalysis): void {
    this.entries.set(key, analysis);
    this.used.add(key);
    this.changed = true;
  }

  /** Writes the entries used in this run (so edited migrations do not pile up), atomically. */
  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.entries.size) return;
    const kept = Object.fromEntries([...this.entries].filter(([key]) => this.used.has(key)));
    await replaceCacheFile(this.file, JSON.stringify(kept));
  }
}
