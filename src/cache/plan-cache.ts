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
export class PlanCache {
  private constructor(private readonly file: string) {}

  static open(projectRoot: string, toolVersion: string): PlanCache {
    return new PlanCache(join(projectRoot, ".drydock", "cache", `plan-${toolVersion}.json`));
  }

  get(key: string): Plan | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      const stored = JSON.parse(readFileSync(this.file, "utf8")) as { key: string; plan: Plan };
      return stored.key === key ? stored.plan : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, plan: Plan): Promise<void> {
    await mkdir(join(this.file, ".."), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ key, plan }));
    await rename(temporary, this.file);
    const dir = join(this.file, "..");
    for (const name of readdirSync(dir)) {
      if (name.startsWith("plan-") && name.endsWith(".json") && join(dir, name) !== this.file) rmSync(join(dir, name), { force: true });
    }
  }
}
