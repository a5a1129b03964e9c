import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck, testPlan } from "../../../test/support/verify-context.js";
import type { ObjectKind, ObjectRef } from "../../model/analysis.js";
import { objectsExpected } from "./objects-expected.js";

const db = useTestDatabase();
const ref = (kind: ObjectKind, name: string): ObjectRef => ({ kind, name });

const schemaSql = `
  CREATE TYPE mood AS ENUM ('sad', 'happy');
  CREATE TABLE accounts (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, mood mood);
  CREATE INDEX accounts_email_idx ON accounts (email);
  CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
  CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
  ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
  CREATE POLICY own ON accounts USING (email = current_user);
  CREATE VIEW account_emails AS SELECT email FROM accounts;
  CREATE SCHEMA elsewhere;
  CREATE TABLE elsewhere.hidden (id int);`;

/** What the plan of `schemaSql` says it creates, as the analysis names objects. */
const creates = [
  ref("enum", "public.mood"),
  ref("table", "public.accounts"),
  ref("column", "public.accounts.id"),
  ref("constraint", "public.accounts.accounts_pkey"),
  ref("index", "public.accounts_pkey"),
  ref("sequence", "public.accounts_id_seq"),
  ref("index", "public.accounts_email_idx"),
  ref("function", "public.touch()"),
  ref("trigger", "public.accounts.accounts_touch"),
  ref("policy", "public.accounts.own"),
  ref("view", "public.account_emails"),
  ref("schema", "elsewhere"),
  ref("table", "elsewhere.hidden"),
  ref("extension", "plpgsql"),
];

describe("objects.expected", () => {
  it("skips without a plan", async () => {
    const result = await runCheck(objectsExpected, db.current.engine);
    expect(result).toMatchObject({ id: "objects.expected", status: "skip", observed: {} });
  });

  it("passes when every object the plan creates exists; columns and unread schemas are not checkable", async () => {
    await db.current.exec(schemaSql);
    const result = await runCheck(objectsExpected, db.current.engine, { plan: testPlan([{ version: "0001", creates }]) });
    // Not checkable: the column, the schema elsewhere and its table (snapshot of public only).
    expect(result).toMatchObject({ status: "pass", observed: { expected: 14, present: 11, missing: 0, not_checkable: 3 }, details: [] });
    expect(result.summary).toBe("14 objects the applied migrations create: 11 present (3 not checkable), none missing");
  });

  it("fails on an object that is missing", async () => {
    await db.current.exec(`${schemaSql}
      DROP INDEX accounts_email_idx;
      DROP POLICY own ON accounts;`);
    const result = await runCheck(objectsExpected, db.current.engine, { plan: testPlan([{ version: "0001", creates }]) });
    expect(result).toMatchObject({ status: "fail", observed: { expected: 14, present: 9, missing: 2, not_checkable: 3 } });
    expect(result.summary).toBe("2 of 14 objects the applied migrations create missing (3 not checkable)");
    expect(result.details).toEqual([
      "index public.accounts_email_idx (created by 0001) does not exist",
      "policy public.accounts.own (created by 0001) does not exist",
    ]);
  });

  it("follows later drops: a dropped table takes its parts along, and maybe its schema's indexes", async () => {
    await db.current.exec(`${schemaSql}
      DROP INDEX accounts_email_idx;
      DROP POLICY own ON accounts;`);
    const plan = testPlan([
      { version: "0001", creates: [...creates, ref("table", "public.old"), ref("policy", "public.old.p"), ref("index", "public.old_idx")] },
      { version: "0002", drops: [ref("table", "public.old")] },
    ]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan });
    // public.old and its policy are no longer expected; the plan does not say which table an
    // index is on, so the two missing indexes of public may have gone with public.old.
    expect(result).toMatchObject({ status: "fail", observed: { expected: 15, present: 9, missing: 1, not_checkable: 5 } });
    expect(result.details).toEqual(["policy public.accounts.own (created by 0001) does not exist"]);
  });

  it("does not judge an object a migration both creates and drops", async () => {
    const plan = testPlan([
      { version: "0001", creates: [ref("function", "public.backfill()")], drops: [ref("function", "public.backfill()")] },
    ]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan });
    expect(result).toMatchObject({ status: "pass", observed: { expected: 1, present: 0, missing: 0, not_checkable: 1 } });
  });
});

describe("objects.expected after renames", () => {
  it("expects a renamed table, and its members, under the new name", async () => {
    await db.current.exec(`
      CREATE SCHEMA archive;
      CREATE TABLE orders (id int PRIMARY KEY, total int CHECK (total >= 0));
      ALTER TABLE orders RENAME TO purchases;
      ALTER TABLE purchases SET SCHEMA archive;`);
    const plan = testPlan([
      {
        version: "0001",
        creates: [ref("schema", "archive"), ref("table", "public.orders"), ref("constraint", "public.orders.orders_total_check")],
      },
      { version: "0002", renames: [{ kind: "table", from: "public.orders", to: "public.purchases" }] },
      { version: "0003", renames: [{ kind: "table", from: "public.purchases", to: "archive.purchases" }] },
    ]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan, config: { project: { schemas: ["public", "archive"] } } });
    expect(result).toMatchObject({ status: "pass", observed: { expected: 3, present: 3, missing: 0 } });
  });

  it("still fails when the renamed object is gone", async () => {
    await db.current.exec("CREATE TABLE orders (id int);");
    const plan = testPlan([
      { version: "0001", creates: [ref("table", "public.orders")] },
      { version: "0002", renames: [{ kind: "table", from: "public.orders", to: "public.purchases" }] },
    ]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan });
    expect(result).toMatchObject({ status: "fail", details: ["table public.purchases (created by 0001) does not exist"] });
  });
});

describe("objects.expected and roles", () => {
  it("does not look for roles in the snapshot, and a role's rename moves no object of the schema of that name", async () => {
    await db.current.exec("CREATE SCHEMA app; CREATE TABLE app.orders (id int CONSTRAINT orders_id_check CHECK (id > 0));");
    const plan = testPlan([
      {
        version: "0001",
        creates: [ref("role", "app"), ref("schema", "app"), ref("table", "app.orders"), ref("constraint", "app.orders.orders_id_check")],
      },
      { version: "0002", renames: [{ kind: "role", from: "app", to: "app_owner" }] },
    ]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan, config: { project: { schemas: ["app"] } } });
    expect(result).toMatchObject({ status: "pass", observed: { expected: 4, present: 3, missing: 0, not_checkable: 1 } });
  });
});

describe("objects.expected when the session's search_path creates elsewhere", () => {
  it("does not fail for objects the plan put in project.search_path's schema but the session created in its own", async () => {
    // The role's search_path puts unqualified objects in app; the plan (project.search_path = public) says public.orders.
    await db.current.exec(
      "CREATE SCHEMA app; SET search_path = app, public; CREATE TABLE orders (id int); CREATE TABLE public.kept (id int);",
    );
    const plan = testPlan([{ version: "0001", creates: [ref("table", "public.orders"), ref("table", "public.kept")] }]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan });
    expect(result).toMatchObject({
      status: "warn",
      observed: { expected: 2, present: 1, missing: 0, not_checkable: 1, session_creates_in: "app", plan_creates_in: "public" },
    });
    expect(result.details[0]).toContain("this session creates unqualified objects in app");
    expect(result.details[0]).toContain("public.orders");
  });

  it("still fails for an object missing from a schema the search_path does not explain", async () => {
    await db.current.exec("CREATE SCHEMA app; SET search_path = app, public; CREATE SCHEMA billing;");
    const plan = testPlan([{ version: "0001", creates: [ref("schema", "billing"), ref("table", "billing.invoices")] }]);
    const result = await runCheck(objectsExpected, db.current.engine, { plan, config: { project: { schemas: ["public", "billing"] } } });
    expect(result).toMatchObject({ status: "fail", observed: { missing: 1 } });
    expect(result.details.join("\n")).toContain("table billing.invoices (created by 0001) does not exist");
  });
});
