import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { LintCheckpoint } from "../lint/run-rules.js";
import type { LintFinding } from "../model/lint.js";
import { replaceCacheFile } from "./cache-file.js";

/**
 * A checkpoint as kept: what it covers in the clear, its project state and suppressions
 * serialised until used, and its findings as they were when it was taken.
 */
export interface StoredCheckpoint extends Pick<LintCheckpoint, "settings" | "migrations"> {
  body: Uint8Array;
  findings: readonly LintFinding[];
}

/** The file: the findings of the longest checkpoint, of which the others' are the first ones. */
interface CheckpointFile {
  findings: LintFinding[];
  checkpoints: Array<Omit<StoredCheckpoint, "findings"> & { findingCount: number }>;
}

/**
 * The last lint runs of a project, in `.drydock/cache/lint-<tool version>.bin`: the run saved
 * after its last migration, so that re-planning after migrations are added lints only the new
 * ones, and before its last migration, so that re-planning after editing the newest migration
 * (the one being written) lints only that one (`RuleRun.resume`). Written with `v8.serialize`,
 * which keeps the Maps and Sets of the project state as they are. A run's findings only grow,
 * so the earlier checkpoint's are the first ones of the later's and are written once. An
 * unreadable file is ignored: it only saves time.
 */
export class LintCheckpointCache {
  private constructor(private readonly file: string) {}

  static open(projectRoot: string, toolVersion: string): LintCheckpointCache {
    return new LintCheckpointCache(join(projectRoot, ".drydock", "cache", `lint-${toolVersion}.bin`));
  }

  /** Serialises a checkpoint's state now: the run it comes from goes on changing it. */
  static store(checkpoint: LintCheckpoint): StoredCheckpoint {
    const { settings, migrations, state, allows, findings } = checkpoint;
    return { settings, migrations, body: serialize({ state, allows }), findings: [...findings] };
  }

  /** The checkpoint back; undefined when its body does not read as one. */
  static restore(stored: StoredCheckpoint): LintCheckpoint | undefined {
    try {
      const body = deserialize(stored.body) as Partial<LintCheckpoint> | null;
      const complete =
        Array.isArray(body?.allows) &&
        body.state?.tables instanceof Map &&
        Array.isArray(body.state.foreignKeys) &&
        Array.isArray(body.state.indexes) &&
        body.state.ruleStates instanceof Map;
      if (!complete) return undefined;
      return {
        settings: stored.settings,
        migrations: stored.migrations,
        state: body.state,
        allows: body.allows,
        findings: [...stored.findings],
      } as LintCheckpoint;
    } catch {
      return undefined;
    }
  }

  read(): StoredCheckpoint[] {
    try {
      if (!existsSync(this.file)) return [];
      const file = deserialize(readFileSync(this.file)) as Partial<CheckpointFile> | null;
      const findings = file?.findings;
      if (!Array.isArray(findings) || !Array.isArray(file?.checkpoints)) return [];
      return file.checkpoints
        .filter(
          (entry) =>
            typeof entry?.settings === "string" &&
            Array.isArray(entry.migrations) &&
            entry.body instanceof Uint8Array &&
            Number.isInteger(entry.findingCount) &&
            entry.findingCount <= findings.length,
        )
        .map(({ findingCount, ...entry }) => ({ ...entry, findings: findings.slice(0, findingCount) }));
    } catch {
      return []; // a torn or foreign file: lint from the first migration and overwrite it
    }
  }

  /**
   * Keeps these checkpoints, replacing the file. They come from one run (or the one it resumed),
   * so each one's findings are the first of the longest's; one that does not share them is left out.
   */
  async write(checkpoints: readonly StoredCheckpoint[]): Promise<void> {
    const longest = checkpoints.reduce<StoredCheckpoint | undefined>(
      (found, checkpoint) => (found && found.findings.length >= checkpoint.findings.length ? found : checkpoint),
      undefined,
    );
    if (!longest) return;
    const shared = checkpoints.filter((checkpoint) => checkpoint.findings.every((finding, index) => finding === longest.findings[index]));
    const file: CheckpointFile = {
      findings: [...longest.findings],
      checkpoints: shared.map(({ findings, ...entry }) => ({ ...entry, findingCount: findings.length })),
    };
    await replaceCacheFile(this.file, serialize(file));
  }
}
