import { expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();

it("init names the adopt step when it finds another tool's migrations", async () => {
  const dir = await project({ "db/migrations/20240101000000_users.sql": "-- migrate:up\nCREATE TABLE users (id int);\n" });
  const found = await runDrydock(["init", "--dir", dir]);
  expect(found.code).toBe(0);
  expect(found.stdout).toContain("found db/migrations migrations in db/migrations/");
  expect(found.stdout).toContain("drydock adopt --from dbmate|golang-migrate --env <name> (before drydock apply there)");

  const fresh = await runDrydock(["init", "--dir", await project({}), "--json"]);
  expect(fresh.code).toBe(0);
  expect(JSON.parse(fresh.stdout)).toMatchObject({ detected: null, adopt_from: [] });
  expect(fresh.stderr).not.toContain("adopt");
});
