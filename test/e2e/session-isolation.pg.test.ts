import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { forEachEngine, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();

forEachEngine("each migration starts from the session's own settings", (newTarget) => {
  let target: TestTarget;
  afterEach(async () => target?.dispose());

  it("does not let a migration's SET search_path or SET ROLE leak into the next one", async () => {
    target = await newTarget();
    const dir = await project({
      "migrations/0001_app.sql":
        "CREATE SCHEMA app;\nSET search_path TO app;\nCREATE TABLE inside_app (id int);\nSET ROLE pg_database_owner;\n",
      "migrations/0002_default.sql": "CREATE TABLE where_am_i (id int);\n",
    });
    const run = await runDrydock(["apply", "--dir", dir, "--url", target.url]);
    expect(run.code).toBe(0);
    const placed = await target.query<{ schema: string; name: string; owner: string }>(
      "SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('inside_app', 'where_am_i') ORDER BY 2",
    );
    const [connected] = await target.query<{ user: string }>("SELECT session_user AS user");
    expect(placed).toEqual([
      { schema: "app", name: "inside_app", owner: connected?.user },
      { schema: "public", name: "where_am_i", owner: connected?.user },
    ]);
    const [history] = await target.query<{ count: string }>("SELECT count(*) FROM drydock.migrations");
    expect(Number(history?.count)).toBe(2);
  });
});
