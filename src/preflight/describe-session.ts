import type { Session } from "./read-sessions.js";

/** "850ms", "42s", "3m 12s", "5m", "2h 5m": the age of a transaction, read at a glance. */
export function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m ${seconds % 60}s`;
  return minutes % 60 === 0 ? `${Math.floor(minutes / 60)}h` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/**
 * One line about another session, for a check's details: who, from which application, doing
 * what, for how long, what it does to the plan's relations (`activity`), and its query
 * (already redacted by `readSessions`), last since it is the longest part.
 * `pid 4242 (alice, "psql", idle in transaction, transaction open 3m 12s) holds …: SELECT …`
 */
export function describeSession(session: Session, activity = ""): string {
  const parts = [
    session.user ?? "unknown user",
    session.applicationName ? JSON.stringify(session.applicationName) : "no application_name",
    ...(session.backendType && session.backendType !== "client backend" ? [session.backendType] : []),
    session.state ?? "state hidden",
    session.transactionAgeMs === null ? "no open transaction" : `transaction open ${formatAge(session.transactionAgeMs)}`,
  ];
  return `pid ${session.pid} (${parts.join(", ")})${activity ? ` ${activity}` : ""}${session.query ? `: ${session.query}` : ""}`;
}

/** A session as `observed` records it: snake_case, every field a reviewer needs to find it. */
export function observedSession(session: Session): Record<string, unknown> {
  return {
    pid: session.pid,
    user: session.user,
    application_name: session.applicationName,
    backend_type: session.backendType,
    state: session.state,
    transaction_age_ms: session.transactionAgeMs,
    query: session.query,
    locks: session.locks.map((lock) => ({ relation: lock.relation, mode: lock.mode, granted: lock.granted })),
  };
}
