import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { TargetChoice } from "../config/resolve-target.js";
import { ensureHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { readSessionDefaults } from "../db/read-session-defaults.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { InputError } from "../errors/drydock-error.js";
import { extensionsCreated, prepareMigrations } from "../execute/prepare-migrations.js";
import { runMigrations } from "../execute/run-migrations.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { type Snapshot, snapshotFormat } from "../model/snapshot.js";
import { extensionsOfPreludes, readPreludes, runPreludes } from "../rehearse/preludes.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { snapshot } from "./snapshot.js";

/**
 * Where `diff`, `types` and `drift` read a schema: the project's migrations replayed, a database
 * (a `postgres://` or `pglite:` URL, or an environment of drydock.toml), or a snapshot file
 * written by `drydock snapshot --output`.
 */
export type SchemaSource = { kind: "migrations" } | { kind: "database"; choice: TargetChoice } | { kind: "snapshot"; file: string };

/** A `postgres://`, `postgresql://` or `pglite:` URL, as a source argument may be. */
export function isDatabaseUrl(text: string): boolean {
  return /^(postgres(ql)?:\/\/|pglite:)/i.test(text);
}

/** Reads a source argument; `what` names it in the error (`diff source`, `types --from`). */
export function parseSchemaSource(project: Project, text: string, what: string): SchemaSource {
  if (text === "migrations") return { kind: "migrations" };
  if (isDatabaseUrl(text)) return { kind: "database", choice: { url: text } };
  if (Object.hasOwn(project.config.env, text)) return { kind: "database", choice: { env: text } };
  const file = resolve(project.root, text);
  if (existsSync(file)) return { kind: "snapshot", file };
  throw new InputError(`${what} "${text}" is not migrations, a URL, an environment or a snapshot file`, {
    hint: "Use migrations, a postgres:// or pglite: URL, an environment of drydock.toml, or a file written by drydock snapshot --output.",
  });
}

/** The schema of a source; the migrations are replayed after the preludes (`replayMigrations`). Reads only. */
export async function readSchemaSource(project: Project, source: SchemaSource): Promise<Snapshot> {
  switch (source.kind) {
    case "migrations":
      return replayMigrations(project, { prelude: true });
    case "database":
      return snapshot(project, source.choice);
    case "snapshot":
      return readSnapshotFile(source.file);
  }
}

/** A snapshot file written by `drydock snapshot --output`; anything else is bad input. */
export async function readSnapshotFile(file: string): Promise<Snapshot> {
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

export interface ReplayMigrationsOptions {
  /** The migrations to replay, in this order; default every migration of the project, in apply order. */
  migrations?: readonly Migration[];
  /**
   * Run the preset's and the project's preludes first (`project.preset`, `project.prelude`), as a
   * rehearsal's sandbox does: what exists outside the migrations (roles, platform schemas).
   */
  prelude?: boolean;
}

/**
 * The schema migrations make: applies them, in order, to a fresh embedded database (PGlite, in
 * memory), each in its own transaction or statement by statement as its directives say (as
 * `apply` runs them), and snapshots the project's schemas. `diff`'s `migrations` source replays
 * every migration; `drift` replays those a database's history records. A migration that fails
 * is bad input (exit 2), located at its statement.
 */
export async function replayMigrations(project: Project, options: ReplayMigrationsOptions = {}): Promise<Snapshot> {
  const migrations = options.migrations ?? (await discoverProjectMigrations(project)).migrations;
  const prepared = await prepareMigrations(migrations);
  const preludes = options.prelude ? await readPreludes(project) : [];
  // PGlite must be given its extensions when it opens: those the preludes and the migrations create.
  const extensions = new Set([...(await extensionsOfPreludes(preludes)), ...extensionsCreated(prepared)]);
  const engine = await openEngine(
    { engine: "pglite", dataDir: null, urlRedacted: "pglite:memory" },
    { applicationName: "drydock replay", extensions: [...extensions].sort() },
  );
  try {
    await runPreludes(engine, preludes, "Fix the prelude (project.prelude in drydock.toml).");
    await ensureHistory(engine);
    const result = await runMigrations(engine, prepared, {
      lockTimeoutMs: 0,
      lockRetries: 0,
      statementTimeoutMs: 0,
      transaction: "per-migration",
      runId: null,
      appliedBy: "drydock replay",
      // A prelude may set the database's search_path; each migration starts from it.
      sessionSettings: await readSessionDefaults(engine),
    });
    if (result.failed) {
      const { failed } = result;
      throw new InputError(`migration ${failed.version} failed while replaying the migrations: ${failed.message} (${failed.sqlstate})`, {
        location: { file: failed.file, line: failed.line, column: failed.column },
        sourceLine: failed.source_line,
        hint: "Run drydock apply --url pglite:memory to see the error; a migration that needs roles or schemas made outside the migrations needs project.prelude or project.preset.",
      });
    }
    return await takeSnapshot(engine, { schemas: project.config.project.schemas });
  } finally {
    await engine.close();
  }
}
