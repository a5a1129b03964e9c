import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { parseTableName, type TableName } from "../adopt/parse-table-name.js";
import { type Adoption, prepareAdoption } from "../adopt/prepare-adoption.js";
import { type AdoptionRow, recordAdoption } from "../adopt/record-adoption.js";
import { keepsChecksums, toolChecksumsOf } from "../adopt/tool-checksums.js";
import { type AdoptTool, parseAdoptTool, type ToolHistoryEntry } from "../adopt/tool-history.js";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { editHistory } from "../db/edit-history.js";
import type { Engine } from "../db/engine.js";
import { readHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { ServerError } from "../db/server-error.js";
import type { Target } from "../db/target-url.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { EnvironmentError, InputError } from "../errors/drydock-error.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { parseDurationMs } from "../util/duration.js";

export type { AdoptTool } from "../adopt/tool-history.js";
export { adoptTools } from "../adopt/tool-history.js";

export interface AdoptOptions extends TargetChoice {
  /** `--from`: supabase, flyway, dbmate, golang-migrate, prisma or node-pg-migrate. */
  from: string;
  /** `--table <schema.table>`: the tool's history table, when not where the tool keeps it by default. */
  table?: string;
  /** Read and match everything, refuse what `adopt` would refuse, and write nothing. */
  dryRun?: boolean;
  /** Who adopts, for the audit trail (`drydock.runs.actor`). */
  by?: string;
}

/** A project migration as the result lists it. */
export interface AdoptMigrationRef {
  version: string;
  name: string;
  file: string;
}

/** A migration recorded in `drydock.migrations` by the adoption. */
export interface AdoptedMigration extends AdoptMigrationRef {
  /** The file's checksum, now the recorded one. */
  checksum: string;
  /** When the tool applied it; null when the tool keeps no time (the adoption's time is recorded). */
  applied_at: string | null;
  /** The tool's "installed by", else `adopt:<tool>`. */
  applied_by: string;
  /** How the tool named it: its version, Prisma folder or node-pg-migrate name. */
  tool_entry: string;
}

/** What `drydock adopt` did (`adopt --json`), also kept as the report of its `drydock.runs` row. */
export interface AdoptResult {
  target: { engine: string; url_redacted: string };
  env: string;
  from: AdoptTool;
  /** The tool's history table that was read, `schema.table`. */
  table: string;
  /** Recorded now (with --dry-run: would be). */
  adopted: AdoptedMigration[];
  /** Applied by the tool and already in drydock's history with the same checksum. */
  already_recorded: AdoptMigrationRef[];
  /** Project migrations the tool never applied: `drydock apply` runs them. */
  pending: AdoptMigrationRef[];
  /** Things worth knowing that did not stop the adoption. */
  warnings: string[];
  /** The `drydock.runs` row (command "adopt"); null for a dry run or when there was nothing to adopt. */
  run_id: number | null;
  dry_run: boolean;
}

/**
 * `drydock adopt --from <tool>` (SPEC §4): takes over a database that another tool migrated,
 * without running anything. Reads the tool's own history table, pairs its entries with the
 * project's migration files, and records the applied ones in `drydock.migrations` with the
 * files' checksums and the tool's times, under drydock's apply lock and in one transaction with
 * a `drydock.runs` row (command "adopt", outcome "adopted"). Files the tool never applied stay
 * pending for `drydock apply`.
 *
 * Everything is checked on a read-only pass first, so a refusal (no such table, unclean entries,
 * applied migrations without files, edited files, drydock records that disagree) and a dry run
 * write nothing at all, not even drydock's schema; the write pass reads again under the lock.
 * Adopting twice is a no-op.
 */
export async function adopt(project: Project, options: AdoptOptions): Promise<AdoptResult> {
  const tool = parseAdoptTool(options.from);
  const table = options.table === undefined ? null : parseTableName(options.table);
  const { target, envName } = resolveTarget(project, options);
  const { migrations } = await discoverProjectMigrations(project);
  const toolChecksums = await readToolChecksums(project, tool, migrations);
  const migrationsFolder = relative(project.root, project.migrationsDir) || ".";
  const prepare = { tool, table, migrations, toolChecksums, migrationsFolder };
  const dryRun = options.dryRun === true;
  const summary = { target: { engine: target.engine, url_redacted: target.urlRedacted }, env: envName, from: tool, dry_run: dryRun };

  const preview = await readOnly(target, tool, table, (engine) =>
    readHistory(engine).then((history) => prepareAdoption(engine, { ...prepare, history })),
  );
  if (dryRun || preview.match.adopt.length === 0) return { ...summary, ...describe(tool, preview), run_id: null };

  const actor = options.by?.trim() ? options.by.trim() : null;
  const { result, runId } = await editHistory<Omit<AdoptResult, "run_id">>(
    target,
    { command: "adopt", env: envName, actor, lockWaitMs: parseDurationMs(project.config.apply.lock_wait) },
    async ({ engine, history, runId }) => {
      const adoption = await prepareAdoption(engine, { ...prepare, history });
      const result = { ...summary, ...describe(tool, adoption) };
      if (adoption.match.adopt.length === 0) return { unchanged: result };
      await recordAdoption(engine, adoptionRows(tool, adoption), runId);
      return { outcome: "adopted", report: { ...result, run_id: runId }, result };
    },
  );
  return { ...result, run_id: runId };
}

/** The result's lists, from a matched history. */
function describe(
  tool: AdoptTool,
  adoption: Adoption,
): Pick<AdoptResult, "table" | "adopted" | "already_recorded" | "pending" | "warnings"> {
  const { match } = adoption;
  const adopted = match.adopt.map(({ migration, entry }) => ({
    ...refOf(migration),
    checksum: migration.checksum,
    applied_at: entry.appliedAt,
    applied_by: appliedByOf(tool, entry),
    tool_entry: entry.key,
  }));
  const warnings = match.outdated.map(
    ({ migration }) =>
      `${migration.version} (${migration.up.file}) changed since ${tool} last applied it: a repeatable migration, so it stays pending and drydock apply runs it again, as ${tool} would`,
  );
  return {
    table: adoption.table,
    adopted,
    already_recorded: match.alreadyRecorded.map(({ migration }) => refOf(migration)),
    pending: match.pending.map(refOf),
    warnings,
  };
}

function adoptionRows(tool: AdoptTool, adoption: Adoption): AdoptionRow[] {
  return adoption.match.adopt.map(({ migration, entry }) => ({
    migration,
    appliedAt: entry.appliedAt,
    appliedBy: appliedByOf(tool, entry),
  }));
}

/** The tool's own installer where it keeps one (Flyway's installed_by), else `adopt:<tool>`. */
function appliedByOf(tool: AdoptTool, entry: ToolHistoryEntry): string {
  return entry.appliedBy ?? `adopt:${tool}`;
}

function refOf(migration: Migration): AdoptMigrationRef {
  return { version: migration.version, name: migration.name, file: migration.up.file };
}

/** The checksums the tool could have recorded for each file, for the tools that keep one. */
async function readToolChecksums(project: Project, tool: AdoptTool, migrations: readonly Migration[]): Promise<Map<string, string[]>> {
  const checksums = new Map<string, string[]>();
  if (!keepsChecksums(tool)) return checksums;
  for (const migration of migrations) {
    const path = join(project.root, ...migration.up.file.split("/"));
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      throw new InputError(`cannot read ${migration.up.file}`, { hint: "Check that the file is readable, then adopt again.", cause });
    }
    checksums.set(migration.version, toolChecksumsOf(tool, bytes) ?? []);
  }
  return checksums;
}

/** Runs reads on a session of their own; a server's refusal (no privilege on the tool's table) is the environment's. */
async function readOnly<T>(target: Target, tool: AdoptTool, table: TableName | null, read: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(target, { applicationName: `drydock adopt ${hostname()} pid ${process.pid}` });
  try {
    return await read(engine);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    const what = table ? `--table ${table.schema ? `${table.schema}.` : ""}${table.name}` : `${tool}'s history`;
    throw new EnvironmentError(`cannot read ${what} in ${target.urlRedacted}: ${error.message} (${error.sqlstate})`, {
      hint:
        error.sqlstate === "42501"
          ? "The role needs SELECT on the tool's history table and on drydock.migrations (when it exists)."
          : "Check the connection and the table, then adopt again.",
      cause: error,
    });
  } finally {
    await engine.close().catch(() => undefined);
  }
}
