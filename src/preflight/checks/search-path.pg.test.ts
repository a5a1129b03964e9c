import { describe, expect, it } from "vitest";
import { runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { searchPath } from "./search-path.js";

describe("preflight.search_path", () => {
  const db = useTestDatabase();

  it("passes when the session creates unqualified objects where the plan puts them", async () => {
    const result = await runPreflightCheck(searchPath, db.current.engine, {
      migrations: { "0001_orders.sql": "CREATE TABLE orders (id int);" },
    });
    expect(result).toMatchObject({
      id: "preflight.search_path",
      status: "pass",
      observed: { session_creates_in: "public", plan_creates_in: "public", project_search_path: "public" },
      details: [],
    });
    expect(result.summary).toContain("unqualified objects go to public, as planned");
  });

  it("warns when the session's search_path puts them in another existing schema", async () => {
    const { engine } = db.current;
    await engine.exec("CREATE SCHEMA app; SET search_path = app, public;");
    const result = await runPreflightCheck(searchPath, engine, { migrations: { "0001_orders.sql": "CREATE TABLE orders (id int);" } });
    expect(result).toMatchObject({
      status: "warn",
      summary: "unqualified objects would go to app, but the plan puts them in public",
      observed: { session_search_path: "app, public", session_creates_in: "app", plan_creates_in: "public" },
    });
    expect(result.details[0]).toContain("project.search_path is public");
  });

  it("counts a schema the pending migrations create, and skips schemas that do not exist", async () => {
    const { engine } = db.current;
    await engine.exec("SET search_path = app, public;");
    const plain = await runPreflightCheck(searchPath, engine, { migrations: { "0001_orders.sql": "CREATE TABLE orders (id int);" } });
    expect(plain).toMatchObject({ status: "pass", observed: { session_creates_in: "public" } });
    const creating = await runPreflightCheck(searchPath, engine, {
      migrations: { "0001_app.sql": "CREATE SCHEMA app;", "0002_orders.sql": "CREATE TABLE public.orders (id int);" },
    });
    expect(creating).toMatchObject({ status: "warn", observed: { session_creates_in: "app", plan_creates_in: "public" } });
  });

  it("follows $user to a schema named after the role, and agrees with a project.search_path that says so", async () => {
    const { engine } = db.current;
    const [row] = await engine.query<{ role: string }>("SELECT current_user::text AS role");
    const role = row?.role ?? "";
    await engine.exec(`CREATE SCHEMA "${role}"`);
    const byDefault = await runPreflightCheck(searchPath, engine, {});
    expect(byDefault).toMatchObject({ status: "warn", observed: { session_creates_in: role, plan_creates_in: "public" } });
    const configured = await runPreflightCheck(searchPath, engine, { config: `[project]\nsearch_path = ["${role}", "public"]\n` });
    expect(configured).toMatchObject({ status: "pass", observed: { session_creates_in: role, plan_creates_in: role } });
  });

  it("warns when no schema of the session's search_path exists", async () => {
    const { engine } = db.current;
    await engine.exec("SET search_path = nowhere_at_all;");
    expect(await runPreflightCheck(searchPath, engine, {})).toMatchObject({
      status: "warn",
      summary: "unqualified objects would go nowhere: none of its schemas exists, but the plan puts them in public",
      observed: { session_creates_in: null },
    });
  });
});
