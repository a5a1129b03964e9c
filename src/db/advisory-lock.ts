import { EnvironmentError } from "../errors/drydock-error.js";
import type { Engine } from "./engine.js";

/** The two-key session advisory lock all drydock applies take: 'dryd' and 1. */
const lockKey = { classid: 0x64727964, objid: 1 } as const;

export interface LockHolder {
  pid: number;
  application_name: string;
  client_addr: string | null;
  backend_start: string | null;
}

export interface AcquireLockOptions {
  waitMs: number;
  pollMs?: number;
  /** Called once when the lock is busy and the wait begins. */
  onWait?: (holder: LockHolder | null) => void;
}

/**
 * Takes drydock's session advisory lock on this database, waiting up to `waitMs`. Session
 * locks outlive transactions and are released by PostgreSQL when the session ends, so a killed
 * process cannot leave the lock behind. A lock still held after the wait is an
 * EnvironmentError (exit 3) naming the holder from pg_stat_activity.
 */
export async function acquireApplyLock(engine: Engine, options: AcquireLockOptions): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? 200;
  let announced = false;
  for (;;) {
    const [row] = await engine.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::int, $2::int) AS locked", [
      lockKey.classid,
      lockKey.objid,
    ]);
    if (row?.locked) return;
    if (!announced) {
      announced = true;
      options.onWait?.(await findLockHolder(engine));
    }
    if (Date.now() >= deadline) {
      const holder = await findLockHolder(engine);
      const who = holder
        ? `${holder.application_name || "a session"} (server pid ${holder.pid}${holder.client_addr ? `, from ${holder.client_addr}` : ""}${holder.backend_start ? `, connected since ${holder.backend_start}` : ""})`
        : "another session";
      throw new EnvironmentError(`another apply holds the drydock lock on ${engine.urlRedacted}: ${who}`, {
        hint: `Waited ${Math.round(options.waitMs / 1000)}s (apply.lock_wait). Let it finish and run again, or raise apply.lock_wait.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

async function findLockHolder(engine: Engine): Promise<LockHolder | null> {
  const [row] = await engine.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date | null }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = $2::int::oid
       AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     LIMIT 1`,
    [lockKey.classid, lockKey.objid],
  );
  if (!row) return null;
  return {
    pid: row.pid,
    application_name: row.application_name,
    client_addr: row.client_addr,
    backend_start: row.backend_start instanceof Date ? row.backend_start.toISOString() : row.backend_start,
  };
}
