import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { readHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import type { Project } from "../model/project.js";
import { compareHistory, type MigrationStatus } from "../plan/compare-history.js";

export interface StatusOptions extends TargetChoice {}

/** SPEC §4 `status --json`. */
export interface StatusResult {
  target: { engine: string; url_redacted: string };
  migrations: MigrationStatus[];
}

/** Per migration: applied, pending, changed, missing or out-of-order. Reads only. */
export async function status(project: Project, options: StatusOptions = {}): Promise<StatusResult> {
  const { target } = resolveTarget(project, options);
  const { migrations } = await discoverProjectMigrations(project);
  const engine = await openEngine(target, { applicationName: "drydock status" });
  try {
    const history = await readHistory(engine);
    return { target: { engine: target.engine, url_redacted: target.urlRedacted }, migrations: compareHistory(migrations, history) };
  } finally {
    await engine.close();
  }
}
