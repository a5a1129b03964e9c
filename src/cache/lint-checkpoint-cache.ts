import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { LintCheckpoint } from "../lint/run-rules.js";
import { replaceCacheFile } from "./cache-file.js";

/** A checkpoint as kept: what it covers in the clear, the rest serialised until it is used. */
export interface StoredCheckpoint extends Pick<LintCheckpoint, "settings" | "migrations"> {
  body: Uint8Array;
}

/**
 * The last lint runs of a project, in `.drydock/cache/lint-<tool version>.bin`: the run saved
 * after its last migration, so that re-planning after migrations are added lints only the new
 * ones, and before its last migration, so that re-planning after editing the newest migration
 * (the one being written) lints only that one (`RuleRun.resume`). Written with `v8.serialize`,
 * which keeps the Maps and Sets of the project state as they are. An unreadable file is
 * ignored: it only saves time.
 */
export class LintCheckpointCache {
  private constructor(private readonly file: string) {}

  static open(projectRoot: string, toolVersion: string): LintCheckpointCache {
    return new LintCheckpointCache(join(projectRoot, ".drydock", "cache", `lint-${toolVersion}.bin`));
  }

  /** Serialises a checkpoint now: the run it comes from may go on changing its objects. */
  static store(checkpoint: LintCheckpoint): StoredCheckpoint {
    const { settings, migrations, ...body } = checkpoint;
    return { settings, migrations, body: serialize(body) };
  }

  /** The checkpoint back; undefined when its body does not read as one. */
  static restore(stored: StoredCheckpoint): LintCheckpoint | undefined {
    try {
      const body = deserialize(stored.body) as Partial<LintCheckpoint> | null;
      const complete =
        Array.isArray(body?.findings) &&
        Array.isArray(body.allows) &&
        body.state?.tables instanceof Map &&
        Array.isArray(body.state.foreignKeys) &&
        Array.isArray(body.state.indexes) &&
        body.state.ruleStates instanceof Map;
      return complete ? ({ ...body, settings: stored.settings, migrations: stored.migrations } as LintCheckpoint) : undefined;
    } catch {
      return undefined;
    }
  }

  read(): StoredCheckpoint[] {
    try {
      if (!existsSync(this.file)) return [];
      const stored = deserialize(readFileSync(this.file)) as unknown;
      if (!Array.isArray(stored)) return [];
      return stored.filter(
        (entry: Partial<StoredCheckpoint> | null) =>
          typeof entry?.settings === "string" && Array.isArray(entry.migrations) && entry.body instanceof Uint8Array,
      );
    } catch {
      return []; // a torn or foreign file: lint from the first migration and overwrite it
    }
  }

  async write(checkpoints: readonly StoredCheckpoint[]): Promise<void> {
    await replaceCacheFile(this.file, serialize(checkpoints));
  }
}
