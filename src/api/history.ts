import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { openEngine } from "../db/open-engine.js";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";

export interface HistoryOptions extends TargetChoice {
  /** How many runs to list, newest first; default 20. */
  limit?: number;
}

/** One row of `drydock.runs` as `history --json` prints it. */
export interface HistoryRun {
  id: number;
  started_at: string;
  finished_at: string | null;
  env: string | null;
  command: string;
  outcome: string;
  plan_hash: string | null;
  /** Who ran it as given with `--by` (approvals); null when not given. */
  actor: string | null;
  os_user: string | null;
  host: string | null;
  tool_version: string | null;
  /** The approval's note, for `approve` runs. */
  note: string | null;
}

/** `drydock history`: the runs of a target, newest first. */
export interface HistoryResult {
  target: { engine: string; url_redacted: string };
  runs: HistoryRun[];
  /** Why the list is empty, when the database has no drydock history. */
  note?: string;
}

/** The default of `--limit`. */
export const defaultHistoryLimit = 20;

/**
 * Lists `drydock.runs` of a target, newest first (SPEC §7 Apply step 7): applies, approvals
 * and other recorded commands, who ran them from where, and how they ended. Reads only; a
 * database without drydock history gives an empty list and a note.
 */
export async function history(project: Project, options: HistoryOptions = {}): Promise<HistoryResult> {
  const limit = options.limit ?? defaultHistoryLimit;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError(`--limit ${limit} is not a positive whole number`, { hint: "Pass --limit 50, say, or leave it out for 20." });
  }
  const { target } = resolveTarget(project, options);
  const engine = await openEngine(target, { applicationName: "drydock history" });
  try {
    const result: HistoryResult = { target: { engine: target.engine, url_redacted: target.urlRedacted }, runs: [] };
    const [exists] = await engine.query<{ present: boolean }>("SELECT to_regclass('drydock.runs') IS NOT NULL AS present");
    if (!exists?.present) {
      return { ...result, note: "no drydock history in this database: nothing was applied or approved here yet" };
    }
    // to_jsonb(r) rather than a column list: history written by an older drydock may lack columns
    // (actor); the report is left out, apply reports can be large.
    const rows = await engine.query<{ run: Record<string, unknown>; note: string | null }>(
      `SELECT to_jsonb(r) - 'report' AS run,
              CASE WHEN r.command = 'approve' AND jsonb_typeof(r.report) = 'object' THEN r.report ->> 'note' END AS note
       FROM drydock.runs r
       ORDER BY r.started_at DESC, r.id DESC
       LIMIT $1`,
      [limit],
    );
    result.runs = rows.map(({ run, note }) => toHistoryRun(run, note));
    if (result.runs.length === 0) result.note = "drydock.runs is empty: no run was recorded in this database yet";
    return result;
  } finally {
    await engine.close().catch(() => undefined);
  }
}

function toHistoryRun(run: Record<string, unknown>, note: string | null): HistoryRun {
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const time = (value: unknown) => (typeof value === "string" ? new Date(value).toISOString() : null);
  return {
    id: Number(run.id),
    started_at: time(run.started_at) ?? "",
    finished_at: time(run.finished_at),
    env: text(run.env),
    command: text(run.command) ?? "",
    outcome: text(run.outcome) ?? "",
    plan_hash: text(run.plan_hash),
    actor: text(run.actor),
    os_user: text(run.os_user),
    host: text(run.host),
    tool_version: text(run.tool_version),
    note,
  };
}
