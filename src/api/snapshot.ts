import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { openEngine } from "../db/open-engine.js";
import type { Project } from "../model/project.js";
import type { Snapshot } from "../model/snapshot.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";

export interface SnapshotOptions extends TargetChoice {
  /** Count every table's rows exactly (`count(*)` reads each table), besides the estimates. */
  exactCounts?: boolean;
  /**
   * How many sessions read the catalog at once on a PostgreSQL server (default 3), in one
   * consistent state (`takeSnapshot`'s `sessions`). PGlite has one session.
   */
  sessions?: number;
}

/**
 * Sessions reading a server at once. This function opens its own engine, outside any
 * transaction, so they can share its snapshot. On 2,000 tables, 2 and 3 sessions halve the time
 * the catalog queries take even on a 2-core server; 3 gain more on a server with more cores.
 */
const defaultSessions = 3;

/**
 * The catalog snapshot of a target (SPEC §4 `snapshot`): the schemas of `project.schemas`,
 * read from pg_catalog (docs/snapshot.md). Reads only.
 */
export async function snapshot(project: Project, options: SnapshotOptions = {}): Promise<Snapshot> {
  const { target } = resolveTarget(project, options);
  const engine = await openEngine(target, { applicationName: "drydock snapshot" });
  try {
    return await takeSnapshot(engine, {
      schemas: project.config.project.schemas,
      exactCounts: options.exactCounts === true,
      sessions: options.sessions ?? defaultSessions,
    });
  } finally {
    await engine.close();
  }
}
