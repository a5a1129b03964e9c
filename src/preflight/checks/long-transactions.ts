import type { CheckResult } from "../../model/check.js";
import { parseDurationMs } from "../../util/duration.js";
import { plural } from "../../util/plural.js";
import { limitDetails, maxDetails } from "../../verify/limit-details.js";
import { describeSession, formatAge, observedSession } from "../describe-session.js";
import type { PreflightCheck } from "../preflight-check.js";
import { readPlannedLocks } from "../read-planned-locks.js";
import { readSessions, yieldsToDdl } from "../read-sessions.js";

const id = "preflight.long_transactions";

/**
 * No transaction in this database has been open longer than `apply.long_transaction` (default
 * 5m) while holding or waiting for a lock on a relation the pending migrations lock: the
 * migration would wait for it to end. Other long transactions are a `warn`: they hold back
 * vacuum (dead rows pile up behind their snapshot), and one that later touches a table the
 * migration has queued on joins the lock queue. `"0"` turns the check off. Ages use the
 * server's clock.
 */
export const longTransactions: PreflightCheck = {
  id,
  description: "no transaction older than apply.long_transaction touches a relation the plan locks",
  async run({ engine, plan, config }): Promise<CheckResult> {
    const limitMs = parseDurationMs(config.apply.long_transaction);
    if (limitMs === 0) {
      const observed = { limit_ms: 0 };
      return { id, status: "skip", summary: "apply.long_transaction is 0: long transactions are not checked", observed, details: [] };
    }
    const relations = await readPlannedLocks(engine, plan);
    const sessions = await readSessions(engine, relations);
    const open = sessions.filter((session) => session.transactionAgeMs !== null);
    const long = open.filter((session) => (session.transactionAgeMs ?? 0) > limitMs);
    const touching = long.filter((session) => session.locks.length > 0 && !yieldsToDdl(session));
    const others = long.filter((session) => !touching.includes(session));
    const oldestMs = Math.max(0, ...open.map((session) => session.transactionAgeMs ?? 0));
    const observed = {
      limit_ms: limitMs,
      open_transactions: open.length,
      long_transactions: long.length,
      touching_plan: touching.length,
      oldest_ms: oldestMs,
      sessions: [...touching, ...others].slice(0, maxDetails).map(observedSession),
    };
    const details = [...touching, ...others].map((session) => {
      const relationsLocked = [...new Set(session.locks.map((lock) => lock.relation))];
      const activity = relationsLocked.length > 0 ? `locks ${relationsLocked.join(", ")}` : "touches nothing the plan locks";
      return describeSession(session, activity);
    });
    const limit = `apply.long_transaction = ${config.apply.long_transaction}`;
    if (touching.length > 0) {
      const summary = `${plural(touching.length, "transaction")} open longer than ${formatAge(limitMs)} lock${touching.length === 1 ? "s" : ""} relations the plan touches (pid ${touching.map((session) => session.pid).join(", ")})`;
      return { id, status: "fail", summary, observed, details: limitDetails(details) };
    }
    if (others.length > 0) {
      const summary = `${plural(others.length, "transaction")} open longer than ${formatAge(limitMs)}, none touching the plan's relations (oldest ${formatAge(oldestMs)})`;
      return { id, status: "warn", summary, observed, details: limitDetails(details) };
    }
    const summary = `no transaction open longer than ${formatAge(limitMs)} (${limit}; ${plural(open.length, "open transaction")})`;
    return { id, status: "pass", summary, observed, details: [] };
  },
};
