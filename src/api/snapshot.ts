import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { openEngine } from "../db/open-engine.js";
import type { Project } from "../model/project.js";
import type { Snapshot } from "../model/snapshot.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";

export interface SnapshotOptions extends TargetChoice {
  /** Count every table's rows exactly (`count(*)` reads each table), besides the estimates. */
  exactCounts?: boolean;
}

/**
 * The catalog snapshot of a target (SPEC §4 `snapshot`): the schemas of `project.schemas`,
 * read from pg_catalog (docs/snapshot.md). Reads only.
 */
export async function snapshot(project: Project, options: SnapshotOptions = {}): Promise<Snapshot> {
  const { target } = resolveTarget(project, options);
  const engine = await openEngine(target, { applicationName: "drydock snapshot" });
  try {
    return await takeSnapshot(engine, { schemas: project.config.project.schemas, exactCounts: options.exactCounts === true });
  } finally {
    await engine.close();
  }
}
