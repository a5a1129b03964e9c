import { describe, expect, it } from "vitest";
import { forEachEngine } from "../../../test/support/engines.js";
import { applyMigrations, runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { checksums } from "./checksums.js";

const applied = { "0001_users.sql": "CREATE TABLE users (id int);", "0002_orgs.sql": "CREATE TABLE orgs (id int);" };

forEachEngine("preflight.checksums", (newTarget) => {
  it("passes before the first apply, and when every applied file is unchanged", async () => {
    const target = await newTarget();
    const engine = await target.open();
    try {
      const fresh = await runPreflightCheck(checksums, engine, { migrations: applied });
      expect(fresh).toMatchObject({ id: "preflight.checksums", status: "pass", observed: { applied: 0, changed: 0, missing: 0 } });
      await applyMigrations(engine, applied);
      const result = await runPreflightCheck(checksums, engine, { migrations: { ...applied, "0003_t.sql": "CREATE TABLE t (id int);" } });
      expect(result).toMatchObject({
        status: "pass",
        summary: "2 applied migrations, all matching their files",
        observed: { applied: 2, changed: 0, missing: 0 },
        details: [],
      });
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});

describe("preflight.checksums on edited history", () => {
  const db = useTestDatabase();

  it("fails naming an applied file that was edited and one that is gone", async () => {
    await applyMigrations(db.current.engine, applied);
    const edited = { "0001_users.sql": "CREATE TABLE users (id bigint);", "0003_t.sql": "CREATE TABLE t (id int);" };
    const result = await runPreflightCheck(checksums, db.current.engine, { migrations: edited });
    expect(result).toMatchObject({
      status: "fail",
      summary: "2 of 2 applied migrations differ from the repository: 1 changed, 1 missing",
      observed: { applied: 2, changed: 1, missing: 1 },
    });
    expect(result.details).toEqual([
      expect.stringMatching(
        /^0001 users: migrations\/0001_users\.sql changed after it was applied \(recorded [0-9a-f]{12}…, file [0-9a-f]{12}…\): restore the applied file and put the change in a new migration, or, if the edit changes nothing that ran, drydock repair --accept-checksum 0001$/,
      ),
      expect.stringMatching(
        /^0002 orgs: applied .+, but migrations\/0002_orgs\.sql is gone: restore it, or forget it with drydock repair --mark-pending 0002$/,
      ),
    ]);
  });
});
