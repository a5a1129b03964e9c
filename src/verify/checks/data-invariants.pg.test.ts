import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
import { dataInvariants } from "./data-invariants.js";

const db = useTestDatabase();

const invariant = (name: string, sql: string, expect: number | string | boolean) => ({ name, sql, expect });

describe("data.invariants", () => {
  it("skips when none is configured", async () => {
    expect(await runCheck(dataInvariants, db.current.engine)).toMatchObject({
      id: "data.invariants",
      status: "skip",
      observed: { invariants: 0 },
    });
  });

  it("passes when each query returns its value: numbers numerically, strings and booleans as text", async () => {
    await db.current.exec("CREATE TABLE projects (org_id int, status text); INSERT INTO projects VALUES (1, 'open'), (2, 'open');");
    const config = {
      checks: {
        invariant: [
          invariant("no project without organization", "SELECT count(*) FROM projects WHERE org_id IS NULL", 0),
          invariant("two projects", "SELECT count(*)::numeric(10, 2) FROM projects", 2),
          invariant("all open", "SELECT min(status) FROM projects", "open"),
          invariant("orgs exist", "SELECT count(*) > 0 FROM projects", true),
        ],
      },
    };
    const result = await runCheck(dataInvariants, db.current.engine, { config });
    expect(result).toMatchObject({
      status: "pass",
      summary: "4 invariants, all hold",
      observed: { invariants: 4, failed: 0, results: [{ actual: "0" }, { actual: "2.00" }, { actual: "open" }, { actual: true }] },
      details: [],
    });
  });

  it("fails on a wrong value, no row, a query error, and a write (the transaction is read only)", async () => {
    await db.current.exec("CREATE TABLE projects (org_id int); INSERT INTO projects VALUES (1), (NULL);");
    const config = {
      checks: {
        invariant: [
          invariant("no project without organization", "SELECT count(*) FROM projects WHERE org_id IS NULL", 0),
          invariant("no row", "SELECT org_id FROM projects WHERE false", 1),
          invariant("typo", "SELECT count(*) FROM projcts", 0),
          invariant("sneaky write", "DELETE FROM projects RETURNING 0", 0),
        ],
      },
    };
    const result = await runCheck(dataInvariants, db.current.engine, { config });
    expect(result).toMatchObject({ status: "fail", summary: "4 of 4 invariants failed", observed: { invariants: 4, failed: 4 } });
    expect(result.details).toEqual([
      'invariant "no project without organization": expected 0, got "1"',
      'invariant "no row": expected 1, got no value',
      'invariant "typo": relation "projcts" does not exist (42P01 undefined_table)',
      expect.stringMatching(/^invariant "sneaky write": cannot execute DELETE in a read-only transaction \(25006/),
    ]);
    const [count] = await db.current.query<{ rows: number }>("SELECT count(*)::int AS rows FROM projects");
    expect(count?.rows).toBe(2);
  });
});
