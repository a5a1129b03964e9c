import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply } from "../../src/api/apply.js";
import { drift } from "../../src/api/drift.js";
import { types } from "../../src/api/types.js";
import { configSchema } from "../../src/config/schema.js";
import { corpusProject, corpusSetNames, hasCorpus, readCorpusSet } from "../support/corpus.js";
import { corpusSearchPaths } from "../support/corpus-plan.js";
import { createTestDatabase } from "../support/test-database.js";
import { typecheck } from "../support/typecheck.js";

/**
 * A database that holds exactly what its migrations made has not drifted: each corpus set,
 * applied to the real server (PostgreSQL 15), is compared with its migrations replayed in PGlite
 * (PostgreSQL 18). So `drift` must tell the two servers' printing and default grants apart from
 * drift (views over one relation, MAINTAIN), and load the extensions the preludes create; and
 * `types` must write the same file, one that compiles, from the database and from the
 * migrations. Sets run one after another: their preludes create server-wide roles.
 */
describe.skipIf(!hasCorpus)("corpus sets show no drift after apply", () => {
  for (const name of corpusSetNames) {
    it(`${name}: drift finds none, types match the migrations`, async () => {
      const set = readCorpusSet(name);
      const schemas = corpusSearchPaths[name] ?? ["public"];
      const config = configSchema.parse({
        project: { migrations: "migrations", variables: set.psql_vars, prelude: set.prelude, schemas },
      });
      const project = { ...corpusProject(set), config };
      const db = await createTestDatabase(`drydock_drift_${name.replace(/\W/g, "_")}`.slice(0, 40));
      try {
        for (const prelude of set.prelude) await db.exec(await readFile(join(set.dir, prelude), "utf8"));
        const applied = await apply(project, { url: db.url, verify: false, noEvidence: true });
        expect(applied.failed).toBeNull();

        const result = await drift(project, { url: db.url });
        expect(result.history.differences).toEqual([]);
        expect(result.schema.differences).toEqual([]);
        expect(result.drifted).toBe(false);

        const fromDatabase = await types(project, { url: db.url });
        const fromMigrations = await types(project, { from: "migrations" });
        expect(fromDatabase.schemas).toEqual(schemas.filter((schema) => fromDatabase.schemas.includes(schema)).sort());
        expect(fromDatabase.schemas).toContain(schemas[0]);
        expect(fromDatabase.typescript).toBe(fromMigrations.typescript);
        expect(typecheck({ "database.ts": fromDatabase.typescript })).toEqual([]);
      } finally {
        await db.drop();
      }
    });
  }
});
