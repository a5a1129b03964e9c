import type { Engine } from "../db/engine.js";
import type { PlannedRelation } from "./read-planned-locks.js";
import { redactQuery } from "./redact-query.js";

/** A lock another session holds or waits for on a relation the plan touches. */
export interface SessionLock {
  /** As the plan names it. */
  relation: string;
  mode: string;
  /** False: the session is still waiting for it (`pg_locks.granted`). */
  granted: boolean;
}

/** Another session on this database, as `pg_stat_activity` shows it. */
export interface Session {
  pid: number;
  user: string | null;
  applicationName: string;
  /** `client backend`, `autovacuum worker`, … */
  backendType: string | null;
  /** `active`, `idle in transaction`, … (null when the server hides it). */
  state: string | null;
  /** How long its transaction has been open, by the server's clock; null outside a transaction. */
  transactionAgeMs: number | null;
  /** Redacted: literals replaced, at most 200 characters. */
  query: string;
  locks: SessionLock[];
}

interface Row {
  pid: number;
  user_name: string | null;
  application_name: string | null;
  backend_type: string | null;
  state: string | null;
  xact_age_ms: number | null;
  query: string | null;
  relation: string | null;
  mode: string | null;
  granted: boolean | null;
}

/**
 * The other sessions connected to this database (never our own backend), with the
 * relation-level locks each holds or waits for on the given relations. Ages use the server's
 * clock (`clock_timestamp() - xact_start`), so a skewed client clock cannot hide an old
 * transaction. A role without `pg_read_all_stats` sees other users' queries as
 * `<insufficient privilege>` and their state as null; their locks are still visible.
 * PGlite has one session, so the list is empty there.
 */
export async function readSessions(engine: Engine, relations: readonly PlannedRelation[]): Promise<Session[]> {
  const rows = await engine.query<Row>(
    `SELECT a.pid, a.usename::text AS user_name, a.application_name, a.backend_type, a.state,
            (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_age_ms,
            a.query, p.name AS relation, l.mode, l.granted
       FROM pg_catalog.pg_stat_activity a
       LEFT JOIN pg_catalog.pg_locks l
         ON l.pid = a.pid AND l.locktype = 'relation'
        AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
        AND l.relation = ANY($1::oid[])
       LEFT JOIN unnest($1::oid[], $2::text[]) AS p(oid, name) ON p.oid = l.relation
      WHERE a.datname = pg_catalog.current_database() AND a.pid <> pg_catalog.pg_backend_pid()
      ORDER BY a.xact_start NULLS LAST, a.pid, p.name, l.mode`,
    [relations.map((relation) => String(relation.oid)), relations.map((relation) => relation.name)],
  );
  const sessions = new Map<number, Session>();
  for (const row of rows) {
    let session = sessions.get(row.pid);
    if (!session) {
      session = {
        pid: row.pid,
        user: row.user_name,
        applicationName: row.application_name ?? "",
        backendType: row.backend_type,
        state: row.state,
        transactionAgeMs: row.xact_age_ms === null ? null : Math.round(row.xact_age_ms),
        query: redactQuery(row.query),
        locks: [],
      };
      sessions.set(row.pid, session);
    }
    if (row.relation !== null && row.mode !== null) {
      session.locks.push({ relation: row.relation, mode: row.mode, granted: row.granted === true });
    }
  }
  return [...sessions.values()];
}

/**
 * An autovacuum that is not preventing wraparound cancels itself when DDL waits for its lock
 * (after `deadlock_timeout`), so it delays an apply by a second, it does not block it.
 */
export function yieldsToDdl(session: Session): boolean {
  return session.backendType === "autovacuum worker" && !session.query.includes("to prevent wraparound");
}
