import { describe, expect, it } from "vitest";
import { forEachEngine } from "../../../test/support/engines.js";
import { runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { quoteIdent } from "../../util/quote-ident.js";
import { connection } from "./connection.js";

forEachEngine("preflight.connection", (newTarget) => {
  it("passes on a writable server of a supported version, and says who we are", async () => {
    const target = await newTarget();
    const engine = await target.open();
    try {
      const result = await runPreflightCheck(connection, engine);
      expect(result).toMatchObject({ id: "preflight.connection", status: "pass", details: [] });
      expect(result.observed).toMatchObject({
        engine: target.engine,
        server_version: expect.any(String),
        server_version_num: expect.any(Number),
        user: "postgres",
        is_superuser: true,
        in_recovery: false,
        read_only: false,
      });
      expect(result.observed.server_version_num).toBeGreaterThanOrEqual(130000);
      expect(result.summary).toMatch(/^connected as postgres \(superuser\) on \S+, PostgreSQL \d+/);
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});

describe("preflight.connection on a read-only database", () => {
  const db = useTestDatabase();

  it("fails when the session cannot write", async () => {
    await db.current.exec(`ALTER DATABASE ${quoteIdent(db.current.name)} SET default_transaction_read_only = on`);
    const engine = await openEngine(parseTargetUrl(db.current.url));
    try {
      const result = await runPreflightCheck(connection, engine);
      expect(result).toMatchObject({ status: "fail", observed: { read_only: true, in_recovery: false } });
      expect(result.details).toEqual([
        "the session is read-only (transaction_read_only = on): check default_transaction_read_only of the role and database",
      ]);
    } finally {
      await engine.close();
    }
  });
});
