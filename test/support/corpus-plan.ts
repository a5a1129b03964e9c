import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { discoverMigrations } from "../../src/discover/discover-migrations.js";
import { readSqitchRequires } from "../../src/discover/formats/sqitch.js";
import type { Plan } from "../../src/model/plan.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import type { CorpusSet } from "./corpus.js";

/** search_path each set's own runner uses (SOURCE.md / prelude.sql). */
export const corpusSearchPaths: Record<string, string[]> = {
  "tastybytes-graphile": ["app_public", "app_private", "app_hidden", "public"],
  onlook: ["public", "extensions"],
  "supabase-storage": ["storage", "public", "extensions"],
};

/** Plans a whole corpus set from empty, with its documented prelude and variables. */
export async function planCorpusSet(set: CorpusSet, options: { parseAheadFrom?: number } = {}): Promise<Plan> {
  const migrationsDir = join(set.dir, "migrations");
  const { migrations, format } = await discoverMigrations({ projectRoot: set.dir, migrationsDir, variables: set.psql_vars });
  const preludes = await Promise.all(set.prelude.map(async (file) => ({ file, sql: await readFile(join(set.dir, file), "utf8") })));
  return buildPlan({
    migrations,
    pending: null,
    preludes,
    searchPath: corpusSearchPaths[set.name] ?? ["public"],
    ...(format === "sqitch" ? { declaredRequires: await readSqitchRequires(migrationsDir, set.dir) } : {}),
    ...options,
  });
}
