import { hostname } from "node:os";
import { EnvironmentError } from "../errors/drydock-error.js";
import { acquireApplyLock } from "./advisory-lock.js";
import type { Engine } from "./engine.js";
import { type AppliedMigration, closeInterruptedRuns, ensureHistory, finishRun, readHistory, startRun, thisProcessRun } from "./history.js";
import { openEngine } from "./open-engine.js";
import { ServerError } from "./server-error.js";
import type { Target } from "./target-url.js";

export interface HistoryEditRun {
  /** The command recorded in `drydock.runs`: "repair", "adopt". */
  command: string;
  /** The environment's name, as `drydock.runs.env`. */
  env: string;
  /** `--by`: who made the edit. */
  actor: string | null;
  /** `apply.lock_wait` in milliseconds: how long to wait for a running apply. */
  lockWaitMs: number;
}

/** What an edit did: the run's outcome and the report kept with it in `drydock.runs`. */
export interface HistoryEditOutcome<Result> {
  outcome: string;
  report: unknown;
  result: Result;
}

/**
 * The session and transaction of a history edit, handed to the edit. `history` is
 * `drydock.migrations` as read under the lock, oldest first.
 */
export interface HistoryEditSession {
  engine: Engine;
  history: AppliedMigration[];
  runId: number;
}

/**
 * Edits `drydock.migrations` the way an apply would: under drydock's apply lock (a running
 * apply is waited for, and none can start meanwhile), in one transaction with its own
 * `drydock.runs` row, so the edit and its line in the audit history commit or vanish together.
 * `edit` returns `{ unchanged }` to change nothing: the transaction is rolled back, and neither a
 * run nor the history tables are left (a dry run, or nothing to do).
 */
export async function editHistory<Result>(
  target: Target,
  run: HistoryEditRun,
  edit: (session: HistoryEditSession) => Promise<HistoryEditOutcome<Result> | { unchanged: Result }>,
): Promise<{ result: Result; runId: number | null }> {
  const engine = await openEngine(target, { applicationName: `drydock ${run.command} ${hostname()} pid ${process.pid}` });
  try {
    await acquireApplyLock(engine, { waitMs: run.lockWaitMs });
    await engine.exec("BEGIN");
    try {
      // Inside the transaction, so that an edit that changes nothing leaves no drydock schema behind.
      await ensureHistory(engine);
      await closeInterruptedRuns(engine);
      const history = await readHistory(engine);
      const runId = await startRun(engine, thisProcessRun(run.command, run.env, null, run.actor));
      const done = await edit({ engine, history, runId });
      if ("unchanged" in done) {
        await engine.exec("ROLLBACK");
        return { result: done.unchanged, runId: null };
      }
      await finishRun(engine, runId, done.outcome, done.report);
      await engine.exec("COMMIT");
      return { result: done.result, runId };
    } catch (error) {
      await engine.exec("ROLLBACK").catch(() => undefined);
      throw asEnvironmentError(error, run.command, engine.urlRedacted);
    }
  } finally {
    await engine.close().catch(() => undefined);
  }
}

/** A server's refusal (no privilege, a read-only replica) is the environment's, exit 3. */
function asEnvironmentError(error: unknown, command: string, urlRedacted: string): unknown {
  if (!(error instanceof ServerError)) return error;
  return new EnvironmentError(`cannot edit the drydock history of ${urlRedacted}: ${error.message} (${error.sqlstate})`, {
    hint:
      error.sqlstate === "42501"
        ? `drydock ${command} needs CREATE on the database the first time (schema drydock), then INSERT, UPDATE and DELETE on drydock.migrations and drydock.runs.`
        : "Check that the database accepts writes (not a read-only replica) and try again.",
    cause: error,
  });
}
