import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { useTestDatabase } from "../support/test-database.js";

const saas = join(import.meta.dirname, "..", "..", "examples", "saas");

describe("drydock rollback --steps / --to", () => {
  const db = useTestDatabase();

  it("undoes the newest migrations with their downs, and history shows who did it", async () => {
    const url = db.current.url;
    expect((await runDrydock(["apply", "--dir", saas, "--url", url, "--no-verify"])).code).toBe(0);
    const steps = await runDrydock(["rollback", "--dir", saas, "--url", url, "--steps", "2", "--by", "bob"]);
    expect(steps.stderr).toBe("");
    expect(steps.code).toBe(0);
    expect(steps.stdout).toContain("2 migrations rolled back");
    const status = JSON.parse((await runDrydock(["status", "--dir", saas, "--url", url, "--json"])).stdout) as {
      migrations: Array<{ version: string; state: string }>;
    };
    expect(status.migrations.filter((entry) => entry.state === "pending").map((entry) => entry.version)).toEqual(["0009", "0010"]);
    const to = await runDrydock(["rollback", "--dir", saas, "--url", url, "--to", "0005", "--json"]);
    expect(to.code).toBe(0);
    expect((JSON.parse(to.stdout) as { rolled_back: Array<{ version: string }> }).rolled_back.map((step) => step.version)).toEqual([
      "0008",
      "0007",
      "0006",
    ]);
    const history = JSON.parse((await runDrydock(["history", "--dir", saas, "--url", url, "--json"])).stdout) as {
      runs: Array<{ command: string; outcome: string; actor: string | null }>;
    };
    expect(history.runs.slice(0, 2).map((run) => [run.command, run.outcome])).toEqual([
      ["rollback", "rolled-back"],
      ["rollback", "rolled-back"],
    ]);
    expect(history.runs[1]?.actor).toBe("bob");
    expect((await runDrydock(["rollback", "--dir", saas, "--url", url, "--steps", "1", "--to", "0001"])).code).toBe(2);
  });
});
