import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Plan } from "../model/plan.js";

/**
 * The last plan of a project, in `.drydock/cache/plan-<tool version>.json`, with the key of
 * everything it was computed from. Planning the same inputs again (the common case in CI and
 * in a developer's loop) returns it without replaying the migrations; any change to a
 * migration, the target, the settings or drydock itself misses.
 */
interface StoredPlan {
  key: string;
  stamps?: string;
  plan: Plan;
}

export class PlanCache {
  /** null: not read yet. */
  private stored: StoredPlan | undefined | null = null;

  private constructor(private readonly file: string) {}

  static open(projectRoot: string, toolVersion: string): PlanCache {
    return new PlanCache(join(projectRoot, ".drydock", "cache", `plan-${toolVersion}.json`));
  }

  /** The plan made from exactly these inputs (the key of their contents), if it is the last one. */
  get(key: string): Plan | undefined {
    const stored = this.read();
    return stored?.key === key ? stored.plan : undefined;
  }

  /**
   * The last plan, if its files still carry the same stamps (`projectFileStamps`): found without
   * reading a migration.
   */
  getByStamps(stamps: string): Plan | undefined {
    const stored = this.read();
    return stored?.stamps === stamps ? stored.plan : undefined;
  }

  /** Keeps `plan` as the last plan, under the key of its inputs and, when known, its files' stamps. */
  async set(key: string, plan: Plan, stamps?: string): Promise<void> {
    await mkdir(join(this.file, ".."), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const stored: StoredPlan = { key, ...(stamps ? { stamps } : {}), plan };
    await writeFile(temporary, JSON.stringify(stored));
    this.stored = stored;
    await rename(temporary, this.file);
    const dir = join(this.file, "..");
    for (const name of readdirSync(dir)) {
      if (name.startsWith("plan-") && name.endsWith(".json") && join(dir, name) !== this.file) rmSync(join(dir, name), { force: true });
    }
  }

  /** The file's contents, read once per PlanCache. */
  private read(): StoredPlan | undefined {
    if (this.stored === null) {
      try {
        this.stored = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, "utf8")) as StoredPlan) : undefined;
      } catch {
        this.stored = undefined;
      }
    }
    return this.stored;
  }
}
