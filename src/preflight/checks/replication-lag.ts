import { ServerError } from "../../db/server-error.js";
import type { CheckResult } from "../../model/check.js";
import { plural } from "../../util/plural.js";
import type { PreflightCheck } from "../preflight-check.js";

const id = "preflight.replication_lag";

/** Above this lag a replica is reported (`warn`): the migration's changes would reach it late, and DDL replay may wait behind its queries. */
export const replicationLagWarnMs = 10_000;

/** One row of `pg_stat_replication`, lags in milliseconds (null: idle and caught up, or hidden). */
export interface ReplicaRow {
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  sync_state: string | null;
  write_lag_ms: number | null;
  replay_lag_ms: number | null;
}

/**
 * The verdict on the replicas this primary streams to: `warn` when one's replay or write lag
 * exceeds 10 s, `skip` when there is none or their rows are hidden from this role (state is
 * null without `pg_read_all_stats`).
 */
export function judgeReplicationLag(rows: readonly ReplicaRow[]): CheckResult {
  if (rows.length === 0)
    return { id, status: "skip", summary: "no replicas (pg_stat_replication is empty)", observed: { replicas: 0 }, details: [] };
  if (rows.every((row) => row.state === null)) {
    const summary = `${plural(rows.length, "replica")}, but their lag is hidden from this role (grant pg_read_all_stats to see it)`;
    return { id, status: "skip", summary, observed: { replicas: rows.length, readable: false }, details: [] };
  }
  const max = (values: (number | null)[]) => Math.round(Math.max(0, ...values.map((value) => value ?? 0)));
  const observed = {
    replicas: rows.length,
    max_replay_lag_ms: max(rows.map((row) => row.replay_lag_ms)),
    max_write_lag_ms: max(rows.map((row) => row.write_lag_ms)),
    warn_above_ms: replicationLagWarnMs,
  };
  const lagging = rows.filter((row) => Math.max(row.replay_lag_ms ?? 0, row.write_lag_ms ?? 0) > replicationLagWarnMs);
  const details = lagging.map(
    (row) =>
      `${row.application_name || "replica"}${row.client_addr ? ` at ${row.client_addr}` : ""} (${row.state}, ${row.sync_state}): replay lag ${Math.round(row.replay_lag_ms ?? 0)}ms, write lag ${Math.round(row.write_lag_ms ?? 0)}ms`,
  );
  const lag = `max replay lag ${observed.max_replay_lag_ms}ms, write lag ${observed.max_write_lag_ms}ms`;
  if (lagging.length > 0) {
    return {
      id,
      status: "warn",
      summary: `${lagging.length} of ${plural(rows.length, "replica")} behind by more than 10s (${lag})`,
      observed,
      details,
    };
  }
  return { id, status: "pass", summary: `${plural(rows.length, "replica")}, ${lag}`, observed, details: [] };
}

/**
 * When this server is a primary with replicas (`pg_stat_replication`), how far behind they are.
 * A replica lagging before the apply falls further behind while big migrations write WAL, and
 * replaying an ACCESS EXCLUSIVE lock on it cancels or waits for its queries. PGlite has no
 * replicas; a role that may not read the view gets a `skip` that says so.
 */
export const replicationLag: PreflightCheck = {
  id,
  description: "replicas, if any, are less than 10 s behind",
  async run({ engine }): Promise<CheckResult> {
    if (engine.kind === "pglite") return { id, status: "skip", summary: "PGlite has no replicas", observed: { replicas: 0 }, details: [] };
    try {
      const rows = await engine.query<ReplicaRow>(
        `SELECT application_name, host(client_addr) AS client_addr, state, sync_state,
                (extract(epoch FROM write_lag) * 1000)::float8 AS write_lag_ms,
                (extract(epoch FROM replay_lag) * 1000)::float8 AS replay_lag_ms
           FROM pg_catalog.pg_stat_replication ORDER BY application_name, client_addr`,
      );
      return judgeReplicationLag(rows);
    } catch (error) {
      if (!(error instanceof ServerError) || error.sqlstate !== "42501") throw error;
      const summary = `cannot read pg_stat_replication (${error.message}): replication lag not checked`;
      return { id, status: "skip", summary, observed: { readable: false }, details: [] };
    }
  },
};
