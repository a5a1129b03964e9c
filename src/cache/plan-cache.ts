import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LintFinding } from "../model/lint.js";
import type { Plan, PlanFinding } from "../model/plan.js";
import { replaceCacheFile } from "./cache-file.js";

/**
 * The last plan of a project, in `.drydock/cache/plan-<tool version>.json`, with the key of
 * everything it was computed from. Planning the same inputs again (the common case in CI and
 * in a developer's loop) returns it without replaying the migrations; any change to a
 * migration, the target, the settings or drydock itself misses.
 *
 * The file is one line of header (the keys, the plan's findings, the lint findings a rehearsal
 * asked for) and then the plan as `JSON.stringify(plan, null, 2)` writes it, which is how
 * `plan --format json` prints it: an unchanged project's JSON is served as stored text, neither
 * parsed nor written again (3 MB and ~70 ms for 3,000 migrations).
 */
interface Header {
  key: string;
  stamps?: string;
  findings: PlanFinding[];
  lintFindings?: LintFinding[];
}

interface Stored {
  header: Header;
  /** The plan's JSON text; parsed on first use. */
  text: string;
  plan?: Plan;
}

/** A plan from the cache with its JSON text, and the lint findings kept with it. */
export interface CachedPlan {
  plan: Plan;
  text: string;
  lintFindings?: LintFinding[];
}

export class PlanCache {
  /** null: not read yet. */
  private stored: Stored | undefined | null = null;

  private constructor(private readonly file: string) {}

  static open(projectRoot: string, toolVersion: string): PlanCache {
    return new PlanCache(join(projectRoot, ".drydock", "cache", `plan-${toolVersion}.json`));
  }

  /** The plan made from exactly these inputs (the key of their contents), if it is the last one. */
  get(key: string): CachedPlan | undefined {
    const stored = this.read();
    return stored?.header.key === key ? this.cachedPlan(stored) : undefined;
  }

  /**
   * The last plan, if its files still carry the same stamps (`projectFileStamps`): found without
   * reading a migration.
   */
  getByStamps(stamps: string): CachedPlan | undefined {
    const stored = this.read();
    return stored?.header.stamps === stamps ? this.cachedPlan(stored) : undefined;
  }

  /** `getByStamps` without parsing the plan: its JSON text and its findings. */
  textByStamps(stamps: string): { text: string; findings: PlanFinding[] } | undefined {
    const stored = this.read();
    return stored?.header.stamps === stamps ? { text: stored.text, findings: stored.header.findings } : undefined;
  }

  /**
   * Keeps `plan` as the last plan, under the key of its inputs and, when known, its files'
   * stamps; returns the plan's JSON text as stored.
   */
  async set(key: string, plan: Plan, extra: { stamps?: string; lintFindings?: LintFinding[] } = {}): Promise<string> {
    const text = JSON.stringify(plan, null, 2);
    const header: Header = {
      key,
      ...(extra.stamps ? { stamps: extra.stamps } : {}),
      findings: plan.findings,
      ...(extra.lintFindings ? { lintFindings: extra.lintFindings } : {}),
    };
    await this.write({ header, text, plan });
    return text;
  }

  /** The stored plan again under new stamps (same contents after a checkout or a touch): not written out anew. */
  async restamp(stamps: string): Promise<void> {
    const stored = this.read();
    if (stored) await this.write({ ...stored, header: { ...stored.header, stamps } });
  }

  private async write(stored: Stored): Promise<void> {
    await replaceCacheFile(this.file, `${JSON.stringify(stored.header)}\n${stored.text}`);
    this.stored = stored;
  }

  private cachedPlan(stored: Stored): CachedPlan | undefined {
    try {
      stored.plan ??= JSON.parse(stored.text) as Plan;
    } catch {
      return undefined;
    }
    return { plan: stored.plan, text: stored.text, ...(stored.header.lintFindings ? { lintFindings: stored.header.lintFindings } : {}) };
  }

  /** The file's header and text, read once per PlanCache; undefined when absent or not in this layout. */
  private read(): Stored | undefined {
    if (this.stored === null) {
      this.stored = undefined;
      try {
        if (existsSync(this.file)) {
          const contents = readFileSync(this.file, "utf8");
          const newline = contents.indexOf("\n");
          const header = newline > 0 ? (JSON.parse(contents.slice(0, newline)) as Header) : undefined;
          if (header && typeof header.key === "string" && Array.isArray(header.findings)) {
            this.stored = { header, text: contents.slice(newline + 1) };
          }
        }
      } catch {
        this.stored = undefined;
      }
    }
    return this.stored;
  }
}
