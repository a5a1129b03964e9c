import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateDiffSql } from "../diff/generate-diff-sql.js";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";
import { type Snapshot, snapshotFormat } from "../model/snapshot.js";
import { apply } from "./apply.js";
import { snapshot } from "./snapshot.js";

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
 * The SQL that turns one schema into another (SPEC §4 `diff`). Each side is a source: the word
 * `migrations` (the project's migrations replayed into an embedded PGlite sandbox in a temporary
 * folder, removed after), a snapshot file written by `drydock snapshot --output`, a URL
 * (`postgres://…`, `pglite:…`), or the name of an environment of drydock.toml. Reads only.
 */
export async function diff(project: Project, from: string, to: string, options: DiffOptions = {}): Promise<DiffResult> {
  let before = await readSource(project, from);
  let after = await readSource(project, to);
  if (from === "migrations" && to !== "migrations") before = withExtensionVersionsOf(after, before);
  if (to === "migrations" && from !== "migrations") after = withExtensionVersionsOf(before, after);
  return { statements: generateDiffSql(before, after, { safe: options.safe === true }), from: before, to: after };
}

/**
 * The replayed migrations' extensions at the other side's versions: the replay runs in PGlite,
 * whose builds of pgcrypto, pg_trgm… carry their own version numbers, which say nothing about
 * the project. Without this, a database built from exactly those migrations would get an
 * `ALTER EXTENSION … UPDATE TO` to PGlite's version.
 */
function withExtensionVersionsOf(other: Snapshot, replayed: Snapshot): Snapshot {
  const versions = new Map(other.extensions.map((extension) => [extension.name, extension.version]));
  return {
    ...replayed,
    extensions: replayed.extensions.map((extension) => ({ ...extension, version: versions.get(extension.name) ?? extension.version })),
  };
}

async function readSource(project: Project, source: string): Promise<Snapshot> {
  if (source === "migrations") return replayMigrations(project);
  if (/^(postgres(ql)?:\/\/|pglite:)/i.test(source)) return snapshot(project, { url: source });
  if (source in project.config.env) return snapshot(project, { env: source });
  const file = resolve(project.root, source);
  if (existsSync(file)) return readSnapshotFile(file);
  throw new InputError(`diff source "${source}" is no environment, URL or snapshot file`, {
    hint: "Use migrations, a postgres:// or pglite: URL, an environment of drydock.toml, or a file written by drydock snapshot --output.",
  });
}

async function readSnapshotFile(file: string): Promise<Snapshot> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InputError(`${file} is not a JSON snapshot`, { hint: "Write one with drydock snapshot --output <file>.", cause: error });
  }
  if ((parsed as { format?: unknown } | null)?.format !== snapshotFormat) {
    throw new InputError(`${file} is not a ${snapshotFormat} snapshot`, { hint: "Write one with drydock snapshot --output <file>." });
  }
  return parsed as Snapshot;
}

/** Applies every migration to a fresh embedded database in a temporary folder and snapshots it. */
async function replayMigrations(project: Project): Promise<Snapshot> {
  const dir = await mkdtemp(join(tmpdir(), "drydock-diff-"));
  try {
    const url = `pglite:${dir}`;
    const result = await apply(project, { url, verify: false, noEvidence: true });
    if (result.failed) {
      throw new InputError(`migration ${result.failed.version} failed while replaying the migrations for diff`, {
        hint: "Run drydock apply --url pglite:memory to see the error.",
      });
    }
    return await snapshot(project, { url });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
