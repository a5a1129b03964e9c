import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { LintCheckpoint } from "../lint/run-rules.js";
import type { LintFinding } from "../model/lint.js";
import { replaceCacheFile } from "./cache-file.js";

/**
 * A checkpoint as kept: what it covers in the clear, its project state and suppressions
 * serialised until used, and its findings as they were when it was taken (read when asked for).
 */
export interface StoredCheckpoint extends Pick<LintCheckpoint, "settings" | "migrations"> {
  body: Uint8Array;
  findings(): readonly LintFinding[];
}

/** A finding with its `why` and `alternative` (the same few texts over and over) as numbers into `texts`. */
type CompactFinding = Omit<LintFinding, "why" | "alternative"> & { why: number; alternative: number };

/**
 * The file. A run's checkpoints cover the first migrations of the longest one, and their
 * findings are the first of its findings: both lists are written once, each checkpoint says how
 * much of them is its own. The findings stay serialised until a checkpoint is resumed.
 */
interface CheckpointFile {
  migrations: string[];
  findings: Uint8Array;
  checkpoints: Array<{ settings: string; migrationCount: number; body: Uint8Array; findingCount: number }>;
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

  /** Serialises a checkpoint's state now: the run it comes from goes on changing it. */
  static store(checkpoint: LintCheckpoint): StoredCheckpoint {
    const { settings, migrations, state, allows } = checkpoint;
    const findings = [...checkpoint.findings];
    return { settings, migrations, body: serialize({ state, allows }), findings: () => findings };
  }

  /** The checkpoint back; undefined when it does not read as one. */
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
      const findings = [...stored.findings()];
      return {
        settings: stored.settings,
        migrations: stored.migrations,
        state: body.state,
        allows: body.allows,
        findings,
      } as LintCheckpoint;
    } catch {
      return undefined;
    }
  }

  read(): StoredCheckpoint[] {
    let file: Partial<CheckpointFile> | null;
    try {
      file = existsSync(this.file) ? (deserialize(readFileSync(this.file)) as Partial<CheckpointFile> | null) : null;
    } catch {
      return []; // a torn or foreign file: lint from the first migration and overwrite it
    }
    const { migrations, findings, checkpoints } = file ?? {};
    if (!Array.isArray(migrations) || !(findings instanceof Uint8Array) || !Array.isArray(checkpoints)) return [];
    let all: LintFinding[] | undefined;
    const allFindings = () => {
      all ??= expand(deserialize(findings) as { texts: string[]; findings: CompactFinding[] });
      return all;
    };
    return checkpoints
      .filter(
        (entry) =>
          typeof entry?.settings === "string" &&
          entry.body instanceof Uint8Array &&
          Number.isInteger(entry.migrationCount) &&
          entry.migrationCount <= migrations.length &&
          Number.isInteger(entry.findingCount),
      )
      .map(({ settings, migrationCount, body, findingCount }) => ({
        settings,
        migrations: migrations.slice(0, migrationCount),
        body,
        // An unreadable findings list throws here, inside `restore`, which then gives up.
        findings: () => allFindings().slice(0, findingCount),
      }));
  }

  /**
   * Keeps these checkpoints, replacing the file. They come from one run (or the one it resumed),
   * so each one's migrations and findings are the first of the longest's; one that does not
   * share them is left out.
   */
  async write(checkpoints: readonly StoredCheckpoint[]): Promise<void> {
    const longest = checkpoints.reduce<StoredCheckpoint | undefined>(
      (found, checkpoint) => (found && found.migrations.length >= checkpoint.migrations.length ? found : checkpoint),
      undefined,
    );
    if (!longest) return;
    const longestFindings = longest.findings();
    const shared = checkpoints.filter(
      (checkpoint) =>
        checkpoint.migrations.every((key, index) => key === longest.migrations[index]) &&
        checkpoint.findings().every((finding, index) => finding === longestFindings[index]),
    );
    const file: CheckpointFile = {
      migrations: longest.migrations,
      findings: serialize(compact(longestFindings)),
      checkpoints: shared.map((checkpoint) => ({
        settings: checkpoint.settings,
        migrationCount: checkpoint.migrations.length,
        body: checkpoint.body,
        findingCount: checkpoint.findings().length,
      })),
    };
    await replaceCacheFile(this.file, serialize(file));
  }
}

function compact(findings: readonly LintFinding[]): { texts: string[]; findings: CompactFinding[] } {
  const texts: string[] = [];
  const numbers = new Map<string, number>();
  const numberOf = (text: string) => {
    let number = numbers.get(text);
    if (number === undefined) {
      number = texts.push(text) - 1;
      numbers.set(text, number);
    }
    return number;
  };
  return {
    texts,
    findings: findings.map((finding) => ({ ...finding, why: numberOf(finding.why), alternative: numberOf(finding.alternative) })),
  };
}

function expand({ texts, findings }: { texts: string[]; findings: CompactFinding[] }): LintFinding[] {
  return findings.map((finding) => ({ ...finding, why: texts[finding.why] ?? "", alternative: texts[finding.alternative] ?? "" }));
}
