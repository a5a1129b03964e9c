import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type ParsedStatement, scriptOf } from "../parse/parse-sql.js";
import type { AnalysisSettings, AnalyzedScript, MigrationAnalysis, MigrationScript } from "./analyze-migration.js";

/** What the worker is started with. */
export interface AheadWork {
  scripts: MigrationScript[];
  settings: AnalysisSettings;
  /** One Int32 per script: who claimed it (`unclaimed`, `byCaller`, `byWorker`). */
  claims: SharedArrayBuffer;
}

export const unclaimed = 0;
export const byCaller = 1;
export const byWorker = 2;

/** What the worker sends: analyses of consecutive scripts from `from` on; null where it failed. */
export interface AheadBatch {
  from: number;
  /** JSON of `Array<{ analysis, statements } | null>`: one string is cheaper to send than a tree. */
  json: string;
}

export interface AheadResult {
  analysis: MigrationAnalysis;
  statements: ParsedStatement[];
}

/** Below this many scripts to analyse, starting a worker costs more than it saves. */
const minimumScripts = 64;

/**
 * Analyses migrations on a second thread while the calling thread works through them in order
 * (parses, analyses, lints and replays each): on two cores a cold plan of thousands of
 * migrations runs on both.
 *
 * The caller claims scripts from the front as it reaches them; the worker claims them from the
 * back, one at a time, until it meets a script the caller has claimed. Each script is analysed
 * once, by whichever thread claimed it; neither thread waits for the other until they meet, and
 * by then the worker's results for everything after the meeting point are on their way. A
 * script the worker could not analyse (a syntax error) comes back as null and is analysed by the
 * caller, which reports the error as usual.
 */
export class AnalysesAhead {
  private readonly claims: Int32Array;
  private readonly waiting = new Map<number, (result: AnalyzedScript | null) => void>();
  /** Batches received and not yet read, by the index of their first script. */
  private readonly batches = new Map<number, Array<AheadResult | null>>();
  private readonly batchOf = new Map<number, number>();
  private failed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly scripts: readonly MigrationScript[],
    claims: SharedArrayBuffer,
  ) {
    this.claims = new Int32Array(claims);
    worker.on("message", (batch: AheadBatch) => this.receive(batch));
    worker.on("error", () => this.fail());
    worker.on("exit", () => this.fail());
  }

  /**
   * Starts the worker for these scripts, or returns null when there are too few to pay for it or
   * when the worker's module is not beside this one as JavaScript (running from TypeScript sources).
   */
  static start(scripts: readonly MigrationScript[], settings: AnalysisSettings): AnalysesAhead | null {
    if (scripts.length < minimumScripts) return null;
    const workerFile = new URL("./analysis-worker.js", import.meta.url);
    if (workerFile.protocol !== "file:" || !existsSync(fileURLToPath(workerFile))) return null;
    const claims = new SharedArrayBuffer(4 * scripts.length);
    const work: AheadWork = {
      scripts: scripts.map(({ file, sql, formatAllowsTransaction }) => ({ file, sql, formatAllowsTransaction })),
      settings: { ...settings, searchPath: [...settings.searchPath] },
      claims,
    };
    try {
      return new AnalysesAhead(new Worker(workerFile, { workerData: work }), scripts, claims);
    } catch {
      return null;
    }
  }

  /**
   * The analysis of script `index` (asked in increasing order), or null when the caller is to
   * analyse it itself: it claimed it first, or the worker failed on it.
   */
  take(index: number): Promise<AnalyzedScript | null> {
    if (Atomics.compareExchange(this.claims, index, unclaimed, byCaller) === unclaimed) return Promise.resolve(null);
    const from = this.batchOf.get(index);
    if (from !== undefined) return Promise.resolve(this.read(from, index));
    if (this.failed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.set(index, resolve));
  }

  /** Stops the worker; what it had not sent is no longer needed. */
  async close(): Promise<void> {
    this.failed = true;
    await this.worker.terminate();
  }

  private receive(batch: AheadBatch): void {
    const results = JSON.parse(batch.json) as Array<AheadResult | null>;
    this.batches.set(batch.from, results);
    for (let offset = 0; offset < results.length; offset++) this.batchOf.set(batch.from + offset, batch.from);
    for (const [index, resolve] of this.waiting) {
      const from = this.batchOf.get(index);
      if (from === undefined) continue;
      this.waiting.delete(index);
      resolve(this.read(from, index));
    }
  }

  /** Script `index`'s result from the batch starting at `from`, which lets go of it. */
  private read(from: number, index: number): AnalyzedScript | null {
    const results = this.batches.get(from);
    const result = results?.[index - from] ?? null;
    if (results) results[index - from] = null;
    this.batchOf.delete(index);
    const up = this.scripts[index];
    return result && up ? { analysis: result.analysis, script: scriptOf(up.file, up.sql, result.statements) } : null;
  }

  /** The worker is gone: whatever the caller still waits for, it analyses itself. */
  private fail(): void {
    this.failed = true;
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
  }
}
