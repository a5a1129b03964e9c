import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply } from "../../src/api/apply.js";
import { status } from "../../src/api/status.js";
import { corpusProject, hasCorpus, readCorpusSet } from "./corpus.js";
import { createTestDatabase } from "./test-database.js";

/**
 * For each named corpus set: a fresh database, the set's documented prelude, then drydock
 * apply of every migration; all must apply, and status must show them all applied. Sets run
 * one after another within a file: their preludes create server-wide roles.
 */
export function describeCorpusApply(names: string[]): void {
  describe.skipIf(!hasCorpus)("corpus sets apply cleanly with drydock", () => {
    for (const name of names) {
      it(`applies ${name}`, async () => {
        const set = readCorpusSet(name);
        const db = await createTestDatabase(`drydock_corpus_${name.replace(/\W/g, "_")}`.slice(0, 40));
        try {
          for (const prelude of set.prelude) await db.exec(await readFile(join(set.dir, prelude), "utf8"));
          const project = corpusProject(set);
          // The corpus folder is read only: no evidence package. Verification is rehearse's test.
          const result = await apply(project, { url: db.url, verify: false, noEvidence: true });
          expect(result.failed).toBeNull();
          expect(result.applied.length).toBe(set.up.length);
          const after = await status(project, { url: db.url });
          expect(after.migrations.filter((entry) => entry.state !== "applied")).toEqual([]);
          const [history] = await db.query<{ count: string }>("SELECT count(*) FROM drydock.migrations");
          expect(Number(history?.count)).toBe(set.up.length);
        } finally {
          await db.drop();
        }
      });
    }
  });
}
