import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck, testMigration } from "../../../test/support/verify-context.js";
import { ensureHistory, recordMigrationSql } from "../../db/history.js";
import { historyConsistent } from "./history-consistent.js";

const db = useTestDatabase();

async function recordApplied(version: string, checksum: string): Promise<void> {
  const row = { version, name: "", checksum, appliedBy: "test", durationMs: 1, runId: null, kind: "versioned" as const };
  await db.current.exec(recordMigrationSql({ ...row, file: `migrations/${version}.sql` }));
}

describe("history.consistent", () => {
  it("passes on a database without drydock history: nothing was applied", async () => {
    const result = await runCheck(historyConsistent, db.current.engine, { migrations: [testMigration("0001", "SELECT 1")] });
    expect(result).toMatchObject({
      id: "history.consistent",
      status: "pass",
      observed: { applied: 0, changed: 0, missing: 0, pending: 1, out_of_order: 0 },
    });
    expect(result.summary).toBe("0 applied migrations, all matching their files; 1 not applied yet");
  });

  it("passes when every applied migration has its file and checksum", async () => {
    await ensureHistory(db.current.engine);
    await recordApplied("0001", "sha-0001");
    await recordApplied("0002", "sha-0002");
    const migrations = ["0001", "0002", "0003"].map((version) => testMigration(version, "SELECT 1"));
    const result = await runCheck(historyConsistent, db.current.engine, { migrations });
    expect(result).toMatchObject({ status: "pass", observed: { applied: 2, changed: 0, missing: 0, pending: 1 }, details: [] });
  });

  it("fails on an edited file and on a file that is gone", async () => {
    await ensureHistory(db.current.engine);
    await recordApplied("0001", "sha-0001");
    await recordApplied("0002", "sha-original");
    await recordApplied("0003", "sha-0003");
    const migrations = [testMigration("0001", "SELECT 1"), testMigration("0002", "SELECT 2")];
    const result = await runCheck(historyConsistent, db.current.engine, { migrations });
    expect(result).toMatchObject({ status: "fail", observed: { applied: 3, changed: 1, missing: 1, pending: 0 } });
    expect(result.summary).toBe("2 of 3 applied migrations differ from the repository: 1 changed, 1 missing");
    expect(result.details).toEqual([
      expect.stringMatching(/^0002: migrations\/0002\.sql changed after it was applied \(recorded sha-original…, file sha-0002…\)$/),
      expect.stringMatching(/^0003: applied .*, but migrations\/0003\.sql is gone$/),
    ]);
  });
});
