import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
import { indexesValid } from "./indexes-valid.js";

const db = useTestDatabase();

describe("indexes.valid", () => {
  it("passes when every index is valid", async () => {
    await db.current.exec("CREATE TABLE t (id int PRIMARY KEY, v int); CREATE INDEX t_v ON t (v);");
    const result = await runCheck(indexesValid, db.current.engine);
    expect(result).toMatchObject({
      id: "indexes.valid",
      status: "pass",
      summary: "2 indexes, all valid",
      observed: { indexes: 2, invalid: 0 },
      details: [],
    });
  });

  it("fails on the index a failed concurrent build leaves behind", async () => {
    await db.current.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1), (1);");
    await expect(db.current.exec("CREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v)")).rejects.toThrow(/could not create unique index/);
    const result = await runCheck(indexesValid, db.current.engine);
    expect(result).toMatchObject({ status: "fail", summary: "1 of 1 index invalid", observed: { indexes: 1, invalid: 1 } });
    expect(result.details).toEqual(["public.t_v on public.t: invalid (a failed concurrent build?): drop it and build it again"]);
  });

  it("fails on a partitioned table's index that waits for its partitions", async () => {
    await db.current.exec(`
      CREATE TABLE events (at date) PARTITION BY RANGE (at);
      CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE INDEX events_at ON ONLY events (at);`);
    const result = await runCheck(indexesValid, db.current.engine);
    expect(result).toMatchObject({ status: "fail", observed: { indexes: 1, invalid: 1 } });
    expect(result.details[0]).toMatch(/^public\.events_at on public\.events: invalid until every partition's index is attached/);
  });
});
