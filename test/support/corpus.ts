import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { configSchema } from "../../src/config/schema.js";
import type { Project } from "../../src/model/project.js";

/** `shared/corpus/`: real migration sets of open-source projects, beside the repository. */
export const corpusRoot = resolve(fileURLToPath(new URL("../../", import.meta.url)), "../shared/corpus");
export const hasCorpus = existsSync(corpusRoot);

/** Every set of the corpus, named here so that one gone missing fails a test instead of shrinking the list. */
export const corpusSetNames = [
  "authelia",
  "chef-bifrost",
  "crates-io",
  "langfuse",
  "marquez",
  "onlook",
  "openfga",
  "stellar-horizon",
  "stripe-sync-engine",
  "supabase-storage",
  "tastybytes-graphile",
  "umami",
];

/** The facts of a set's set.json that tests use. */
export interface CorpusSet {
  name: string;
  dir: string;
  up: string[];
  down: string[] | null;
  prelude: string[];
  psql_vars: Record<string, string>;
}

export function readCorpusSet(name: string): CorpusSet {
  const dir = join(corpusRoot, name);
  const facts = JSON.parse(readFileSync(join(dir, "set.json"), "utf8")) as Omit<CorpusSet, "dir">;
  return { ...facts, name, dir };
}

/** A drydock project over a corpus set, configured as its set.json documents. */
export function corpusProject(set: CorpusSet, environment: Record<string, string | undefined> = {}): Project {
  return {
    root: set.dir,
    configFile: null,
    config: configSchema.parse({ project: { migrations: "migrations", variables: set.psql_vars } }),
    migrationsDir: join(set.dir, "migrations"),
    environment,
  };
}
