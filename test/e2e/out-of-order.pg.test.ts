import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { createTarget, type TestTarget } from "../support/engines.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();
let target: TestTarget;
afterEach(async () => target?.dispose());

it("refuses a pending migration that sorts before applied ones, unless allowed", async () => {
  target = await createTarget("postgres");
  const dir = await project({
    "migrations/0001_a.sql": "CREATE TABLE a (id int);\n",
    "migrations/0003_c.sql": "CREATE TABLE c (id int);\n",
  });
  expect((await runDrydock(["apply", "--dir", dir, "--url", target.url])).code).toBe(0);
  await writeFile(join(dir, "migrations/0002_b.sql"), "CREATE TABLE b (id int);\n");

  const status = await runDrydock(["status", "--dir", dir, "--url", target.url, "--json"]);
  expect(JSON.parse(status.stdout).migrations.map((entry: { state: string }) => entry.state)).toEqual([
    "applied",
    "out-of-order",
    "applied",
  ]);
  const refused = await runDrydock(["apply", "--dir", dir, "--url", target.url]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("--allow-out-of-order");
  const allowed = await runDrydock(["apply", "--dir", dir, "--url", target.url, "--allow-out-of-order", "--json"]);
  expect(allowed.code).toBe(0);
  expect(JSON.parse(allowed.stdout).applied.map((step: { version: string }) => step.version)).toEqual(["0002"]);
});
