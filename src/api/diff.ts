import { generateDiffSql } from "../diff/generate-diff-sql.js";
import type { Project } from "../model/project.js";
import type { Snapshot } from "../model/snapshot.js";
import { alignServerVersions } from "../snapshot/align-server-versions.js";
import { parseSchemaSource, readSchemaSource } from "./schema-source.js";

export interface DiffOptions {
  /** Leave out destructive statements (drops of objects only in `from`). */
  safe?: boolean;
}

export interface DiffResult {
  /** The statements turning `from` into `to`, in order; destructive ones start `-- destructive:`. */
  statements: string[];
  from: Snapshot;
  to: Snapshot;
}

/**
 * The SQL that turns one schema into another (SPEC §4 `diff`). Each side is a source
 * (`parseSchemaSource`): the word `migrations` (the project's preludes and migrations replayed
 * into an in-memory PGlite), a snapshot file written by `drydock snapshot --output`, a URL
 * (`postgres://…`, `pglite:…`), or the name of an environment of drydock.toml. Both are checked
 * before either is read. Reads only.
 */
export async function diff(project: Project, from: string, to: string, options: DiffOptions = {}): Promise<DiffResult> {
  const sources = [parseSchemaSource(project, from, "diff source"), parseSchemaSource(project, to, "diff source")] as const;
  let before = await readSchemaSource(project, sources[0]);
  let after = await readSchemaSource(project, sources[1]);
  if (from === "migrations" && to !== "migrations") before = withExtensionVersionsOf(after, before);
  if (to === "migrations" && from !== "migrations") after = withExtensionVersionsOf(before, after);
  // A side replayed in PGlite is PostgreSQL 18: what another major version prints differently is no change.
  [before, after] = await alignServerVersions(before, after);
  return { statements: generateDiffSql(before, after, { safe: options.safe === true }), from: before, to: after };
}

/**
 * The replayed migrations' extensions at the other side's versions, with the routines the other
 * side's build of each owns: the replay runs in PGlite, whose builds of pgcrypto, pg_trgm… carry
 * their own version numbers (and with them their own sets of functions), which say nothing about
 * the project. Without this, a database built from exactly those migrations would get an
 * `ALTER EXTENSION … UPDATE TO` to PGlite's version, and `drift` would report its functions.
 */
export function withExtensionVersionsOf(other: Snapshot, replayed: Snapshot): Snapshot {
  const builds = new Map(other.extensions.map((extension) => [extension.name, extension]));
  return {
    ...replayed,
    extensions: replayed.extensions.map((extension) => {
      const build = builds.get(extension.name);
      return build ? { ...extension, version: build.version, functions: build.functions } : extension;
    }),
  };
}
