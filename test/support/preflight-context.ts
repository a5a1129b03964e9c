import { rm } from "node:fs/promises";
import { loadProject } from "../../src/api/load-project.js";
import { plan } from "../../src/api/plan.js";
import { type Engine, readServerVersion } from "../../src/db/engine.js";
import { ensureHistory, readHistory, recordMigrationSql } from "../../src/db/history.js";
import { discoverProjectMigrations } from "../../src/discover/discover-migrations.js";
import type { CheckResult } from "../../src/model/check.js";
import type { Migration } from "../../src/model/migration.js";
import type { PreflightCheck, PreflightContext } from "../../src/preflight/preflight-check.js";
import { writeProject } from "./temp-project.js";

/** A project for a pre-flight test: its migration files and, optionally, its drydock.toml. */
export interface PreflightProject {
  /** Files of `migrations/` by name: `{ "0001_users.sql": "CREATE TABLE users (id int);" }`. */
  migrations?: Record<string, string>;
  /** The text of drydock.toml. */
  config?: string;
  /** Default: the current time. */
  now?: Date;
}

/**
 * The context `apply` gives pre-flight, built for real: the project is written to a temporary
 * folder, discovered, and planned against the engine's session (its history and objects), so
 * `pending`, `plan.locks` and `history` are what an apply would see.
 */
export async function preflightContext(engine: Engine, project: PreflightProject = {}): Promise<PreflightContext> {
  const files: Record<string, string> = { "migrations/.keep": "" };
  for (const [name, sql] of Object.entries(project.migrations ?? {})) files[`migrations/${name}`] = sql;
  if (project.config !== undefined) files["drydock.toml"] = project.config;
  const dir = await writeProject(files);
  try {
    const loaded = await loadProject({ dir, environment: {} });
    const { migrations } = await discoverProjectMigrations(loaded);
    const planned = await plan(loaded, { engine, cache: false });
    const pendingVersions = new Set(planned.migrations.filter((entry) => entry.pending).map((entry) => entry.version));
    return {
      engine,
      config: loaded.config,
      serverVersion: await readServerVersion(engine),
      urlRedacted: engine.urlRedacted,
      migrations,
      pending: migrations.filter((migration) => pendingVersions.has(migration.version)),
      plan: planned,
      history: await readHistory(engine),
      now: project.now ?? new Date(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs one pre-flight check against the engine's database, with the project given. */
export async function runPreflightCheck(check: PreflightCheck, engine: Engine, project: PreflightProject = {}): Promise<CheckResult> {
  return check.run(await preflightContext(engine, project));
}

/**
 * Applies migration files the way a past `drydock apply` did: runs each up script and records
 * it in `drydock.migrations` with the checksum of the file as written here. Returns them.
 */
export async function applyMigrations(engine: Engine, migrationFiles: Record<string, string>): Promise<Migration[]> {
  const context = await preflightContext(engine, { migrations: migrationFiles });
  await ensureHistory(engine);
  for (const migration of context.pending) {
    await engine.exec(migration.up.sql);
    const { version, name, checksum, kind } = migration;
    await engine.exec(
      recordMigrationSql({ version, name, checksum, kind, appliedBy: "test", durationMs: 1, runId: null, file: migration.up.file }),
    );
  }
  return context.pending.slice();
}
