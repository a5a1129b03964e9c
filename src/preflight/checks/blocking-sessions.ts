import type { CheckResult } from "../../model/check.js";
import { parseDurationMs } from "../../util/duration.js";
import { plural } from "../../util/plural.js";
import { limitDetails, maxDetails } from "../../verify/limit-details.js";
import { describeSession, observedSession } from "../describe-session.js";
import { locksConflict } from "../lock-conflicts.js";
import type { PreflightCheck } from "../preflight-check.js";
import { type PlannedRelation, readPlannedLocks } from "../read-planned-locks.js";
import { readSessions, type Session, yieldsToDdl } from "../read-sessions.js";

const id = "preflight.blocking_sessions";
/** With `lock_timeout = "0"` (wait forever), transactions younger than this are still the application's own traffic. */
const minimumPatienceMs = 1000;

/** Predicted locks (`mode in version`) that a session's lock on a relation conflicts with. */
function conflictsOf(relation: PlannedRelation | undefined, mode: string): string[] {
  return (relation?.locks ?? []).filter((lock) => locksConflict(mode, lock.mode)).map((lock) => `${lock.mode} in ${lock.version}`);
}

/**
 * No other session holds, or waits for, a lock on a relation the pending migrations lock that
 * conflicts with the lock they predict (PostgreSQL's conflict table, `lock-conflicts.ts`). Such
 * a session makes the migration wait, and while it waits every later query on the table waits
 * behind it: a `SELECT` left open in a `psql` stalls the application. A waiting session counts
 * too: the migration would queue behind it. Non-conflicting holders are a `warn` (an `ALTER`
 * that takes a stronger lock later in the run may still meet them), and so is an autovacuum,
 * which cancels itself when DDL waits (unless it prevents wraparound). Only transactions older
 * than `apply.lock_timeout` (at least 1 s), and sessions queued for a table lock, count: a busy application always has short
 * transactions holding row locks, and the migration's lock_timeout and retries handle those
 * (they are counted in `short_transactions`). Relations the migrations create do not exist yet
 * and are not looked at.
 */
export const blockingSessions: PreflightCheck = {
  id,
  description: "no other session holds a lock that conflicts with the locks the pending migrations take",
  async run({ engine, plan, config }): Promise<CheckResult> {
    const relations = await readPlannedLocks(engine, plan);
    const byName = new Map(relations.map((relation) => [relation.name, relation]));
    const locking = (await readSessions(engine, relations)).filter((session) => session.locks.length > 0);
    // The application's own short transactions hold row locks for milliseconds at any instant;
    // the migration's lock_timeout and retries deal with those. A transaction already older than
    // one lock_timeout would make the migration give up: that one blocks.
    const lockTimeoutMs = parseDurationMs(config.apply.lock_timeout);
    const patienceMs = Math.max(lockTimeoutMs, minimumPatienceMs);
    // A session queued for a table lock is never the application's routine traffic: it counts at any age.
    const isShort = (session: Session) => session.locks.every((lock) => lock.granted) && (session.transactionAgeMs ?? 0) < patienceMs;
    const shortLived = locking.filter(isShort);
    const sessions = locking.filter((session) => !isShort(session));
    const blocking: Session[] = [];
    const other: Session[] = [];
    const lines = new Map<Session, string>();
    for (const session of sessions) {
      let conflicting = false;
      const activity = session.locks.map((lock) => {
        const conflicts = conflictsOf(byName.get(lock.relation), lock.mode);
        conflicting ||= conflicts.length > 0;
        const verdict = conflicts.length > 0 ? `conflicts with ${conflicts.join(", ")}` : "no conflict";
        return `${lock.granted ? "holds" : "waits for"} ${lock.mode} on ${lock.relation} (${verdict})`;
      });
      const yields = yieldsToDdl(session);
      (conflicting && !yields ? blocking : other).push(session);
      const note = yields ? ", an autovacuum that cancels itself when DDL waits" : "";
      lines.set(session, describeSession(session, `${activity.join(", ")}${note}`));
    }
    const details = [...blocking, ...other].map((session) => lines.get(session) ?? "");
    const observed = {
      relations: relations.length,
      sessions: sessions.length,
      short_transactions: shortLived.length,
      older_than_ms: patienceMs,
      conflicting: blocking.length,
      non_conflicting: other.length,
      holders: [...blocking, ...other].slice(0, maxDetails).map(observedSession),
    };
    const touched = plural(relations.length, "existing relation");
    if (blocking.length > 0) {
      const pids = blocking.map((session) => session.pid).join(", ");
      const summary = `${plural(blocking.length, "session")} would block the migrations: a lock that conflicts with the plan's on ${touched} (pid ${pids})`;
      return { id, status: "fail", summary, observed, details: limitDetails(details) };
    }
    if (other.length > 0) {
      const summary = `${plural(other.length, "session")} lock${other.length === 1 ? "s" : ""} relations the plan touches, none in conflict (${touched} checked)`;
      return { id, status: "warn", summary, observed, details: limitDetails(details) };
    }
    const busy =
      shortLived.length > 0 ? ` for longer than ${patienceMs} ms (${plural(shortLived.length, "shorter transaction")} seen)` : "";
    return { id, status: "pass", summary: `no other session locks the ${touched} the plan touches${busy}`, observed, details: [] };
  },
};
