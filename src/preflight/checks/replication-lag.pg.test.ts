import { describe, expect, it } from "vitest";
import { createTarget } from "../../../test/support/engines.js";
import { runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { judgeReplicationLag, type ReplicaRow, replicationLag } from "./replication-lag.js";

const replica = (lags: Partial<ReplicaRow>): ReplicaRow => ({
  application_name: "standby1",
  client_addr: "10.0.0.2",
  state: "streaming",
  sync_state: "async",
  write_lag_ms: null,
  replay_lag_ms: null,
  ...lags,
});

describe("preflight.replication_lag", () => {
  const db = useTestDatabase();

  it("skips on a server without replicas", async () => {
    const result = await runPreflightCheck(replicationLag, db.current.engine);
    expect(result).toEqual({
      id: "preflight.replication_lag",
      status: "skip",
      summary: "no replicas (pg_stat_replication is empty)",
      observed: { replicas: 0 },
      details: [],
    });
  });

  it("skips on PGlite", async () => {
    const target = await createTarget("pglite");
    const engine = await target.open();
    try {
      expect(await runPreflightCheck(replicationLag, engine)).toMatchObject({ status: "skip", summary: "PGlite has no replicas" });
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});

// No replica can stream from the test server (pg_hba allows no replication connection), so the
// verdict on pg_stat_replication rows is tested on rows as the view returns them.
describe("judgeReplicationLag", () => {
  it("passes with replicas that keep up (a null lag: idle and caught up)", () => {
    const result = judgeReplicationLag([replica({ replay_lag_ms: 850.4, write_lag_ms: 12 }), replica({ application_name: "standby2" })]);
    expect(result).toMatchObject({
      status: "pass",
      summary: "2 replicas, max replay lag 850ms, write lag 12ms",
      observed: { replicas: 2, max_replay_lag_ms: 850, max_write_lag_ms: 12, warn_above_ms: 10_000 },
    });
  });

  it("warns on a replica more than 10 s behind", () => {
    const result = judgeReplicationLag([replica({ replay_lag_ms: 42_000, write_lag_ms: 300 }), replica({ application_name: "standby2" })]);
    expect(result).toMatchObject({
      status: "warn",
      summary: "1 of 2 replicas behind by more than 10s (max replay lag 42000ms, write lag 300ms)",
    });
    expect(result.details).toEqual(["standby1 at 10.0.0.2 (streaming, async): replay lag 42000ms, write lag 300ms"]);
  });

  it("skips, saying so, when the rows are hidden from this role", () => {
    const hidden = replica({ state: null, sync_state: null, application_name: null, client_addr: null });
    expect(judgeReplicationLag([hidden])).toMatchObject({ status: "skip", observed: { replicas: 1, readable: false } });
  });
});
