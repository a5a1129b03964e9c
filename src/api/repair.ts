import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { editHistory } from "../db/edit-history.js";
import { type AppliedMigration, forgetMigrationSql, recordUnrunMigrationSql } from "../db/history.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { InputError } from "../errors/drydock-error.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { parseDurationMs } from "../util/duration.js";
import { osUser } from "../util/os-user.js";
import { quoteLiteral } from "../util/quote-ident.js";

export interface RepairOptions extends TargetChoice {
  /** Versions to record as applied without running them (the change is already in the database). */
  markApplied?: readonly string[];
  /** Versions to remove from the history without running their downs (the change is not in the database). */
  markPending?: readonly string[];
  /** Versions whose recorded checksum becomes the file's current one (the edit changes nothing that ran). */
  acceptChecksum?: readonly string[];
  /** `--by`: who repairs; recorded in `drydock.runs.actor` and as `applied_by` of rows marked applied. */
  by?: string;
  /** Show what would change and change nothing. */
  dryRun?: boolean;
}

export type RepairAction = "mark-applied" | "mark-pending" | "accept-checksum";

/** One change to `drydock.migrations`. */
export interface RepairEdit {
  action: RepairAction;
  version: string;
  name: string;
  file: string | null;
  /** The recorded checksum before the edit; null when the version was not recorded. */
  checksum_before: string | null;
  /** The recorded checksum after it; null when the row was removed. */
  checksum_after: string | null;
}

/** What `drydock repair` did (`repair --json`), also kept as the report of its `drydock.runs` row. */
export interface RepairResult {
  target: { engine: string; url_redacted: string };
  env: string;
  edits: RepairEdit[];
  /** Requests that needed no change: already applied with this checksum, already pending… */
  unchanged: { action: RepairAction; version: string; reason: string }[];
  /** The `drydock.runs` row of the repair; null for a dry run or when nothing changed. */
  run_id: number | null;
  dry_run: boolean;
}

/**
 * Edits the history of a database (SPEC §4 `repair`), as Flyway's `repair` and Supabase's
 * `migration repair` do: records a migration as applied without running it, forgets one without
 * running its down, or accepts the edited file of an applied migration. Runs nothing but the
 * history edit, under drydock's apply lock, in one transaction with a `drydock.runs` row
 * (command "repair") that keeps every edit with the checksums before and after: the audit log.
 * Every request is checked against the files and the history before anything is written, so a
 * bad request changes nothing.
 */
export async function repair(project: Project, options: RepairOptions): Promise<RepairResult> {
  const requests = requestsOf(options);
  const { target, envName } = resolveTarget(project, options);
  const { migrations } = await discoverProjectMigrations(project);
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const actor = options.by?.trim() ? options.by.trim() : null;
  const dryRun = options.dryRun === true;
  const summary = { target: { engine: target.engine, url_redacted: target.urlRedacted }, env: envName, dry_run: dryRun };
  const { result, runId } = await editHistory<Pick<RepairResult, "edits" | "unchanged">>(
    target,
    { command: "repair", env: envName, actor, lockWaitMs: parseDurationMs(project.config.apply.lock_wait) },
    async ({ engine, history, runId }) => {
      const recorded = new Map(history.map((row) => [row.version, row]));
      const planned = requests.map((request) => planEdit(request, byVersion, recorded));
      const edits = planned.flatMap((entry) => ("edit" in entry ? [entry.edit] : []));
      const unchanged = planned.flatMap((entry) => ("unchanged" in entry ? [entry.unchanged] : []));
      if (dryRun || edits.length === 0) return { unchanged: { edits, unchanged } };
      for (const edit of edits) await engine.exec(editSql(edit, byVersion, actor ?? osUser(), runId));
      return { outcome: "repaired", report: { edits, unchanged }, result: { edits, unchanged } };
    },
  );
  return { ...summary, ...result, run_id: runId };
}

interface RepairRequest {
  action: RepairAction;
  version: string;
}

function requestsOf(options: RepairOptions): RepairRequest[] {
  const requests: RepairRequest[] = [
    ...(options.markApplied ?? []).map((version) => ({ action: "mark-applied" as const, version: version.trim() })),
    ...(options.markPending ?? []).map((version) => ({ action: "mark-pending" as const, version: version.trim() })),
    ...(options.acceptChecksum ?? []).map((version) => ({ action: "accept-checksum" as const, version: version.trim() })),
  ];
  if (requests.length === 0) {
    throw new InputError("drydock repair needs --mark-applied, --mark-pending or --accept-checksum with a version", {
      hint: "drydock status lists the versions and their states; e.g. drydock repair --accept-checksum 20240101120000.",
    });
  }
  const seen = new Map<string, RepairAction>();
  for (const request of requests) {
    const earlier = seen.get(request.version);
    if (earlier !== undefined) {
      throw new InputError(`version ${request.version} is named twice (--${earlier} and --${request.action})`, {
        hint: "Name each version once per repair.",
      });
    }
    seen.set(request.version, request.action);
  }
  return requests;
}

type PlannedEdit = { edit: RepairEdit } | { unchanged: RepairResult["unchanged"][number] };

/** Checks one request against the files and the history; a request that cannot be done is bad input. */
function planEdit(request: RepairRequest, files: Map<string, Migration>, recorded: Map<string, AppliedMigration>): PlannedEdit {
  const { action, version } = request;
  const migration = files.get(version);
  const row = recorded.get(version);
  if (action === "mark-pending") {
    if (!row) return { unchanged: { action, version, reason: "not in the history: already pending" } };
    return {
      edit: {
        action,
        version,
        name: row.name,
        file: row.file ?? migration?.up.file ?? null,
        checksum_before: row.checksum,
        checksum_after: null,
      },
    };
  }
  if (!migration) throw unknownVersion(version, action, files, recorded);
  const base = { action, version, name: migration.name, file: migration.up.file };
  if (action === "mark-applied") {
    if (row?.checksum === migration.checksum) return { unchanged: { action, version, reason: "already applied with this checksum" } };
    if (row && migration.kind === "versioned") {
      throw new InputError(`migration ${version} is already recorded as applied, with another checksum than ${migration.up.file}'s`, {
        hint: `If the edit changes nothing that ran, accept it: drydock repair --accept-checksum ${version}.`,
      });
    }
    return { edit: { ...base, checksum_before: row?.checksum ?? null, checksum_after: migration.checksum } };
  }
  if (!row) {
    throw new InputError(`migration ${version} is not recorded as applied, so it has no checksum to accept`, {
      hint: `If its change is already in the database, record it: drydock repair --mark-applied ${version}.`,
    });
  }
  if (row.checksum === migration.checksum) return { unchanged: { action, version, reason: "the recorded checksum is the file's" } };
  return { edit: { ...base, checksum_before: row.checksum, checksum_after: migration.checksum } };
}

function unknownVersion(
  version: string,
  action: RepairAction,
  files: Map<string, Migration>,
  recorded: Map<string, AppliedMigration>,
): InputError {
  const inHistory = recorded.has(version);
  return new InputError(`no migration file has version ${version}${inHistory ? " (the history has it, the files do not)" : ""}`, {
    hint: inHistory
      ? `--${action} needs the file. To forget a migration whose file is gone: drydock repair --mark-pending ${version}.`
      : `Versions are written as drydock status prints them${files.size > 0 ? `, e.g. ${[...files.keys()].at(-1)}` : ""}.`,
  });
}

function editSql(edit: RepairEdit, files: Map<string, Migration>, appliedBy: string, runId: number): string {
  if (edit.action === "mark-pending") return forgetMigrationSql(edit.version);
  if (edit.action === "accept-checksum") {
    return `UPDATE drydock.migrations SET checksum = ${quoteLiteral(edit.checksum_after ?? "")} WHERE version = ${quoteLiteral(edit.version)}`;
  }
  return recordUnrunMigrationSql(files.get(edit.version) as Migration, appliedBy, runId);
}
