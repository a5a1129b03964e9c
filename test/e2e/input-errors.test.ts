import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";

const project = useTempProjects();

describe("bad input gets exit 2 and a message that says what, where and what next", () => {
  it("names an unknown config key and the file", async () => {
    const dir = await project({ "drydock.toml": '[apply]\nlock_timout = "3s"\n', "migrations/0001_a.sql": "SELECT 1;\n" });
    const run = await runDrydock(["apply", "--dir", dir, "--url", "pglite:memory"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/drydock\.toml: unknown key apply\.lock_timout/);
    expect(run.stderr).toContain("hint:");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
  });

  it("names a wrongly typed key", async () => {
    const dir = await project({ "drydock.toml": '[apply]\nlock_retries = "five"\n' });
    const run = await runDrydock(["status", "--dir", dir, "--url", "pglite:memory"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/drydock\.toml: apply\.lock_retries: .*number/);
  });

  it("points at a TOML syntax error", async () => {
    const dir = await project({ "drydock.toml": '[project]\nmigrations = "migrations\n' });
    const run = await runDrydock(["status", "--dir", dir, "--url", "pglite:memory"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/drydock\.toml:2:\d+/);
  });

  it("lists the known environments for an unknown --env", async () => {
    const dir = await project({ "drydock.toml": '[env.staging]\nurl = "pglite:memory"\n' });
    const run = await runDrydock(["status", "--dir", dir, "--env", "prod"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no environment "prod"');
    expect(run.stderr).toContain("Known environments: staging");
  });

  it("asks for a target when there is none", async () => {
    const dir = await project({ "migrations/0001_a.sql": "SELECT 1;\n" });
    const run = await runDrydock(["apply", "--dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no database to work on");
  });

  it("reports duplicate versions naming both files", async () => {
    const dir = await project({ "migrations/002_a.sql": "SELECT 1;\n", "migrations/2_b.sql": "SELECT 2;\n" });
    const run = await runDrydock(["apply", "--dir", dir, "--url", "pglite:memory"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("migrations/002_a.sql");
    expect(run.stderr).toContain("migrations/2_b.sql");
  });

  it("reports a psql meta-command with its line", async () => {
    const dir = await project({ "migrations/0001_a.sql": "SELECT 1;\n\\i other.sql\n" });
    const run = await runDrydock(["apply", "--dir", dir, "--url", "pglite:memory"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("psql meta-command \\i is not SQL");
    expect(run.stderr).toContain("migrations/0001_a.sql:2:1");
  });

  it("stops plan, apply and rehearse on a cycle in declared requirements, before anything is applied", async () => {
    const dir = await project({
      "migrations/001_accounts.sql": "-- drydock:requires 002\nCREATE TABLE accounts (id int PRIMARY KEY);\n",
      "migrations/002_orders.sql": "-- drydock:requires 001\nCREATE TABLE orders (id int PRIMARY KEY);\n",
    });
    const database = `pglite:${join(dir, ".database")}`;
    for (const args of [["plan"], ["apply", "--url", database], ["rehearse"]]) {
      const run = await runDrydock([...args, "--dir", dir]);
      expect({ command: args[0], code: run.code }).toEqual({ command: args[0], code: 2 });
      if (args[0] !== "plan") {
        expect(run.stderr).toContain("declared requirements form a cycle: 001 → 002");
        expect(run.stderr).toContain("migrations/001_accounts.sql:1:1");
        expect(run.stderr).toContain("Nothing was applied");
      }
    }
    const status = await runDrydock(["status", "--dir", dir, "--url", database, "--json"]);
    expect(JSON.parse(status.stdout).migrations.map((entry: { state: string }) => entry.state)).toEqual(["pending", "pending"]);
  });

  it("rejects an unknown command with usage", async () => {
    const run = await runDrydock(["aply"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command");
  });
});
