import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck, snapshotOf, testMigration, testPlan } from "../../../test/support/verify-context.js";
import { dataRowCounts } from "./data-row-counts.js";

const db = useTestDatabase();

const seed = `
  CREATE TABLE users (id int);
  CREATE TABLE sessions (id int);
  CREATE TABLE audit (id int);
  CREATE TABLE legacy (id int);
  INSERT INTO users SELECT generate_series(1, 10);
  INSERT INTO sessions SELECT generate_series(1, 5);
  INSERT INTO audit SELECT generate_series(1, 3);
  INSERT INTO legacy SELECT generate_series(1, 4);`;

describe("data.row_counts", () => {
  it("passes with nothing to compare: no before, or no rows before", async () => {
    await db.current.exec("CREATE TABLE users (id int); CREATE TABLE sessions (id int);");
    const before = await snapshotOf(db.current.engine);
    await db.current.exec("INSERT INTO users VALUES (1), (2);");
    const emptyBefore = await runCheck(dataRowCounts, db.current.engine, { before });
    expect(emptyBefore).toMatchObject({
      id: "data.row_counts",
      status: "pass",
      summary: "nothing to compare: no rows before the migrations (2 tables); 2 rows after",
      observed: { tables: 2, rows_before: 0, rows_after: 2, tables_lost_rows: 0, rows_lost: 0 },
    });
    const withoutBefore = await runCheck(dataRowCounts, db.current.engine);
    expect(withoutBefore).toMatchObject({
      status: "pass",
      summary: "nothing to compare: no snapshot before the migrations; 2 rows after",
      observed: { tables: 0, rows_before: 0, rows_after: 2 },
    });
  });

  it("passes when no table lost rows", async () => {
    await db.current.exec(seed);
    const before = await snapshotOf(db.current.engine);
    await db.current.exec("INSERT INTO users VALUES (11); CREATE TABLE fresh (id int);");
    const result = await runCheck(dataRowCounts, db.current.engine, { before });
    expect(result).toMatchObject({
      status: "pass",
      summary: "4 tables compared (22 → 23 rows): none lost rows",
      observed: { tables: 4, rows_before: 22, rows_after: 23, tables_lost_rows: 0, rows_lost: 0, allowed: 0 },
      details: [],
    });
  });

  it("fails on lost and dropped rows, except where expect-rows allows it", async () => {
    await db.current.exec(seed);
    const before = await snapshotOf(db.current.engine);
    await db.current.exec("DELETE FROM users WHERE id <= 2; DELETE FROM sessions; DELETE FROM audit WHERE id = 1; DROP TABLE legacy;");
    const migration = testMigration(
      "0002",
      "-- drydock:expect-rows public.sessions -all\n-- drydock:expect-rows audit +any\n-- drydock:expect-rows legacy -any\nSELECT 1;",
    );
    const result = await runCheck(dataRowCounts, db.current.engine, {
      before,
      migrations: [migration],
      plan: testPlan([{ version: "0002" }]),
    });
    expect(result).toMatchObject({
      status: "fail",
      summary: "2 of 4 tables lost 3 rows unexpectedly; 2 expected losses",
      observed: { tables: 4, rows_before: 22, rows_after: 10, tables_lost_rows: 2, rows_lost: 3, allowed: 2 },
    });
    expect(result.details).toEqual([
      "public.audit: 3 → 2 rows (-1)",
      "public.users: 10 → 8 rows (-2)",
      "public.legacy: 4 rows → dropped (-4), expected by 0002: expect-rows -any",
      "public.sessions: 5 → 0 rows (-5), expected by 0002: expect-rows -all",
    ]);
  });
});
