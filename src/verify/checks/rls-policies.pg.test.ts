import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
import { rlsPolicies } from "./rls-policies.js";

const db = useTestDatabase();
const config = { checks: { rls: { schemas: ["public"] } } };

const tables = `
  CREATE TABLE notes (owner text, body text);
  CREATE TABLE tags (name text);
  CREATE TABLE plain (v int);
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
  ALTER TABLE tags ENABLE ROW LEVEL SECURITY;
  CREATE POLICY own_notes ON notes USING (owner = current_user);`;

describe("rls.policies", () => {
  it("skips when no schema requires RLS", async () => {
    expect(await runCheck(rlsPolicies, db.current.engine)).toMatchObject({ id: "rls.policies", status: "skip" });
  });

  it("passes when every RLS table has a policy (tables without RLS are rls.enabled's business)", async () => {
    await db.current.exec(`${tables}
      CREATE POLICY read_tags ON tags FOR SELECT USING (name <> '');
      CREATE POLICY only_true ON tags AS RESTRICTIVE USING (true);`);
    const result = await runCheck(rlsPolicies, db.current.engine, { config });
    expect(result).toMatchObject({
      status: "pass",
      summary: "2 RLS tables in public, each with a policy (3 policies)",
      observed: { rls_tables: 2, policies: 3, without_policy: 0, always_true: 0 },
      details: [],
    });
  });

  it("fails on an RLS table without any policy", async () => {
    await db.current.exec(tables);
    const result = await runCheck(rlsPolicies, db.current.engine, { config });
    expect(result).toMatchObject({
      status: "fail",
      summary: "2 RLS tables in public: 1 without any policy",
      observed: { rls_tables: 2, policies: 1, without_policy: 1, always_true: 0 },
      details: ["public.tags: row-level security is enabled but no policy exists, so only its owner sees rows"],
    });
  });

  it("warns on always-true policies, not on USING (true) narrowed by a WITH CHECK", async () => {
    await db.current.exec(`${tables}
      CREATE POLICY everyone ON tags FOR SELECT USING (true);
      CREATE POLICY anyone_writes ON notes FOR INSERT WITH CHECK (true);
      CREATE POLICY read_all_write_own ON notes USING (true) WITH CHECK (owner = current_user);`);
    const result = await runCheck(rlsPolicies, db.current.engine, { config });
    expect(result).toMatchObject({
      status: "warn",
      summary: "2 RLS tables in public, each with a policy; 2 policies always true",
      observed: { rls_tables: 2, policies: 4, without_policy: 0, always_true: 2 },
      details: [
        'public.notes: policy "anyone_writes" (insert, to public) is always true: WITH CHECK (true)',
        'public.tags: policy "everyone" (select, to public) is always true: USING (true)',
      ],
    });
  });
});
