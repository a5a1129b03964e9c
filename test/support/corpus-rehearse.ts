import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rehearse } from "../../src/api/rehearse.js";
import { configSchema } from "../../src/config/schema.js";
import { corpusProject, hasCorpus, readCorpusSet } from "./corpus.js";
import { corpusSearchPaths } from "./corpus-plan.js";
import { assertReportContract } from "./report-contract.js";
import { serverUrl } from "./test-database.js";

/**
 * Real bugs the rollback drill finds in the corpus: crates.io's down of
 * 20170318181441_downloads_need_no_id lacks the semicolon after its first statement.
 */
const knownDrillFailures: Record<string, string> = {
  "crates-io": 'migrations/20170318181441_downloads_need_no_id/down.sql:2:1: syntax error at or near "ALTER"',
};

/**
 * For each named corpus set: `rehearse` from empty on `engine` (a fresh sandbox database holding
 * the set's documented prelude: on the real server, or in PGlite as `drydock rehearse` does by
 * default), with its evidence in a temporary folder. The sets apply cleanly, so every migration
 * must apply, each doing what the plan predicted (locks, objects created and dropped); the
 * verdict may be either (real projects have lint findings, tables without RLS…), but the report
 * must be complete and valid against the contract. Each set runs with the search_path its own
 * runner uses. Sets run one after
 * another within a file: their preludes create server-wide roles.
 */
export function describeCorpusRehearse(names: string[], engine: "postgres" | "pglite" = "postgres"): void {
  const where = engine === "postgres" ? "the real server" : "the embedded engine";
  describe.skipIf(!hasCorpus)(`corpus sets rehearse from empty on ${where}`, () => {
    for (const name of names) {
      it(`rehearses ${name}`, async () => {
        const set = readCorpusSet(name);
        const base = corpusProject(set, engine === "postgres" ? { DRYDOCK_SANDBOX_URL: serverUrl() } : {});
        const searchPath = corpusSearchPaths[name] ?? ["public"];
        const config = configSchema.parse({
          project: {
            migrations: "migrations",
            variables: set.psql_vars,
            prelude: set.prelude,
            search_path: searchPath,
            schemas: searchPath,
          },
        });
        const evidenceRoot = await mkdtemp(join(tmpdir(), `drydock-corpus-${name}-`));
        try {
          const { report, evidence_dir } = await rehearse({ ...base, config }, { engine, baseline: "none", cache: false, evidenceRoot });
          assertReportContract(report);
          expect(report.steps.filter((step) => step.status !== "applied")).toEqual([]);
          expect(report.steps).toHaveLength(set.up.length);
          // What each migration did (locks held, objects made and dropped) is what the plan said.
          const mismatches = report.steps.flatMap((step) => step.predicted_mismatch.map((line) => `${step.version}: ${line}`));
          expect(mismatches).toEqual([]);
          const drill = knownDrillFailures[name];
          if (drill) {
            expect(report.rollback.status).toBe("fail");
            expect(report.rollback.details).toEqual([expect.stringContaining(drill)]);
          } else {
            expect(report.rollback.status).toBe(set.down ? "pass" : "irreversible");
          }
          expect(evidence_dir.startsWith(evidenceRoot)).toBe(true);
        } finally {
          await rm(evidenceRoot, { recursive: true, force: true });
        }
      });
    }
  });
}
