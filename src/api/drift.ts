import { type ResolvedTarget, resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { type AppliedMigration, readHistory } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import type { Target } from "../db/target-url.js";
import { generateDiffSql } from "../diff/generate-diff-sql.js";
import { discoverProjectMigrations } from "../discover/discover-migrations.js";
import { bridgeMigration } from "../drift/bridge-migration.js";
import { compareHistories, type HistoryDrift, historyDriftOfStatuses } from "../drift/history-drift.js";
import { withoutConnectedRoles } from "../drift/without-connected-roles.js";
import { InputError } from "../errors/drydock-error.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import type { Snapshot, SnapshotDifference } from "../model/snapshot.js";
import { compareHistory } from "../plan/compare-history.js";
import { alignServerVersions } from "../snapshot/align-server-versions.js";
import { compareText } from "../snapshot/assemble-snapshot.js";
import { compareSnapshots } from "../snapshot/compare-snapshots.js";
import { takeSnapshot } from "../snapshot/take-snapshot.js";
import { plural } from "../util/plural.js";
import { withExtensionVersionsOf } from "./diff.js";
import { utcTimestamp, writeMigration } from "./new-migration.js";
import { isDatabaseUrl, replayMigrations } from "./schema-source.js";

export interface DriftOptions extends TargetChoice {
  /** What the target is compared with: `migrations` (the default), an environment of drydock.toml, or a URL. */
  against?: string;
  /** Write a bridge migration: `true` names it after the databases, a string is its name (`<UTC timestamp>_bridge_<name>`). */
  writeBridge?: boolean | string;
  /** Keep the destructive statements (drops) in the bridge; by default they are left out. */
  allowDestructive?: boolean;
  /** The bridge's timestamp (its version); default now. */
  now?: Date;
}

/** A database drift compared: its engine, redacted URL, and environment when one was named. */
export interface DriftDatabase {
  engine: string;
  url_redacted: string;
  env: string | null;
}

/** What the target was compared with. */
export type DriftAgainst = { kind: "migrations" } | ({ kind: "database" } & DriftDatabase);

/** `drift --json` `schema`: how the target's schema differs from the other side's. */
export interface SchemaDrift {
  /**
   * Object by object, the other side first: `missing` is in the migrations (or the other
   * database) and not in the target, `extra` only in the target, `changed` one per attribute.
   */
  differences: SnapshotDifference[];
  /** The SQL that turns the other side's schema into the target's; drops start `-- destructive:`. */
  statements: string[];
}

/** The bridge migration `--write-bridge` wrote. */
export interface DriftBridge {
  /** The file holding its up script, relative to the project root. */
  file: string;
  /** Every file written (a down file in formats that keep it apart). */
  files: string[];
  version: string;
  /** How many statements its up runs. */
  statements: number;
  /** The destructive statements left out (without `--allow-destructive`); they are in the file as comments. */
  left_out: string[];
  /** What to do with it, as commands. */
  next: string[];
}

/** `drift --json` (SPEC §4 `drift`). */
export interface DriftResult {
  target: DriftDatabase;
  against: DriftAgainst;
  history: HistoryDrift;
  schema: SchemaDrift;
  /** True when the history or the schema drifted; pending migrations alone are not drift. */
  drifted: boolean;
  /** With `--write-bridge`: the migration written, or null when there was nothing to bridge (see `notes`). */
  bridge?: DriftBridge | null;
  /** What the reader should know to trust the comparison (missing files, no history, …). */
  notes: string[];
}

/** What drift read of one database. */
interface DatabaseState {
  history: AppliedMigration[];
  snapshot: Snapshot;
  /** The role drift connected as: the one that applies migrations there (`withoutConnectedRoles`). */
  role: string | null;
}

/**
 * `drydock drift` (SPEC §4): how a database diverged, in history and in schema. Against the
 * migrations (the default), the history is the project's migrations against its
 * `drydock.migrations`, and the schema it should have is the migrations its history records,
 * replayed in the order it applied them into an embedded database after the preludes (so pending
 * migrations are not drift), compared with the schema it has. Against another database (an
 * environment or a URL), the versions each applied and the other did not, the versions both
 * applied with different checksums, and the difference between their schemas. With
 * `writeBridge`, writes the migration that turns the other side's schema into the target's
 * (`bridgeMigration`). Reads the databases only.
 */
export async function drift(project: Project, options: DriftOptions = {}): Promise<DriftResult> {
  const resolved = resolveTarget(project, options);
  const other = resolveAgainst(project, options.against);
  if (other && isSameDatabase(other.resolved.target, resolved.target)) {
    throw new InputError(`--against names the target itself (${resolved.target.urlRedacted})`, {
      hint: "Compare two databases, e.g. drydock drift --env dev --against prod, or leave out --against to compare with the migrations.",
    });
  }
  const { migrations } = await discoverProjectMigrations(project);
  const [actual, theirs] = await Promise.all([readDatabase(project, resolved), other ? readDatabase(project, other.resolved) : null]);
  const target = describe(resolved, options.env ?? null);
  const notes: string[] = [];

  let history: HistoryDrift;
  let base: Snapshot;
  let against: DriftAgainst;
  if (theirs && other) {
    history = compareHistories(actual.history, theirs.history, migrations);
    base = theirs.snapshot;
    against = { kind: "database", ...describe(other.resolved, other.env) };
    const unmerged = history.differences.filter((entry) => entry.state === "only-in-target" && entry.file !== null);
    if (unmerged.length > 0) {
      notes.push(
        `${label(target)} applied ${plural(unmerged.length, "migration")} that ${label(against)} has not, ` +
          `with files in the project (${unmerged.map((entry) => entry.version).join(", ")}): the schema drift includes what they do.`,
      );
    }
  } else {
    history = historyDriftOfStatuses(compareHistory(migrations, actual.history));
    against = { kind: "migrations" };
    const replayed = replayedMigrations(migrations, actual.history);
    base = withExtensionVersionsOf(actual.snapshot, await replayMigrations(project, { migrations: replayed, prelude: true }));
  }

  // Not drift: what the connected roles own and are granted (the database's setup), and what
  // another major version prints or grants differently (a replay runs in PGlite, PostgreSQL 18).
  const roles = new Set([actual.role, theirs?.role].filter((role) => typeof role === "string"));
  const [from, to] = await alignServerVersions(withoutConnectedRoles(base, roles), withoutConnectedRoles(actual.snapshot, roles));
  const differences = compareSnapshots(from, to);
  if (against.kind === "migrations") notes.push(...historyNotes(actual.history, history, target, differences.length > 0));
  const result: DriftResult = {
    target,
    against,
    history,
    schema: { differences, statements: differences.length > 0 ? generateDiffSql(from, to) : [] },
    drifted: history.differences.length > 0 || differences.length > 0,
    notes,
  };
  if (options.writeBridge !== undefined && options.writeBridge !== false) {
    result.bridge = await writeBridge(project, from, to, result, options);
  }
  return result;
}

/** `--against`: null for the migrations, else the database with its environment's name (null for a URL). */
function resolveAgainst(project: Project, against: string | undefined): { resolved: ResolvedTarget; env: string | null } | null {
  if (against === undefined || against === "migrations") return null;
  if (isDatabaseUrl(against)) return { resolved: resolveTarget(project, { url: against }), env: null };
  if (Object.hasOwn(project.config.env, against)) return { resolved: resolveTarget(project, { env: against }), env: against };
  const known = Object.keys(project.config.env);
  throw new InputError(`--against ${against} is no environment, URL or "migrations"`, {
    hint: `Pass migrations, a postgres:// or pglite: URL, or an environment of drydock.toml${known.length > 0 ? ` (${known.join(", ")})` : ""}.`,
  });
}

async function readDatabase(project: Project, resolved: ResolvedTarget): Promise<DatabaseState> {
  const engine = await openEngine(resolved.target, { applicationName: "drydock drift" });
  try {
    const [session] = await engine.query<{ role: string }>("SELECT current_user::text AS role");
    // Several sessions share one exported snapshot, as `drydock snapshot` reads (api/snapshot.ts).
    // The history is read in it too: an apply committing in between would otherwise show its
    // migration in the schema and not in the history (or the reverse), as drift.
    let history: AppliedMigration[] = [];
    const snapshot = await takeSnapshot(engine, {
      schemas: project.config.project.schemas,
      sessions: 3,
      alsoRead: async (reader) => {
        history = await readHistory(reader);
      },
    });
    return { history, snapshot, role: session?.role ?? null };
  } finally {
    await engine.close();
  }
}

function describe(resolved: ResolvedTarget, env: string | null): DriftDatabase {
  return { engine: resolved.target.engine, url_redacted: resolved.target.urlRedacted, env };
}

/**
 * The migrations a database's history records that the project has a file for, in the order the
 * database applied them (rows of one transaction, which share `applied_at`, in the project's
 * order): an edited file is replayed as it is now.
 */
function replayedMigrations(migrations: readonly Migration[], history: readonly AppliedMigration[]): Migration[] {
  const position = new Map(migrations.map((migration, index) => [migration.version, index]));
  const applied = history.filter((row) => position.has(row.version));
  applied.sort((a, b) => compareText(a.applied_at, b.applied_at) || (position.get(a.version) ?? 0) - (position.get(b.version) ?? 0));
  return applied.flatMap((row) => {
    const migration = migrations[position.get(row.version) ?? -1];
    return migration ? [migration] : [];
  });
}

/** Two URLs of one database: the same server URL (passwords aside), or the same PGlite folder. */
function isSameDatabase(a: Target, b: Target): boolean {
  if (a.engine === "pglite" && b.engine === "pglite") return a.dataDir === b.dataDir;
  return a.urlRedacted === b.urlRedacted;
}

/** What the comparison with the migrations could not tell apart from drift. */
function historyNotes(rows: readonly AppliedMigration[], history: HistoryDrift, target: DriftDatabase, isSchemaDrifted: boolean): string[] {
  const notes: string[] = [];
  if (rows.length === 0 && isSchemaDrifted) {
    notes.push(
      `${label(target)} has no drydock history, so no migration was replayed and its whole schema counts as drift. ` +
        "Import the history of the tool that migrated it with drydock adopt, or record it with drydock repair --mark-applied.",
    );
  }
  const missing = history.differences.filter((entry) => entry.state === "missing");
  if (missing.length > 0) {
    notes.push(
      `${missing.map((entry) => entry.version).join(", ")} ${missing.length === 1 ? "is" : "are"} recorded as applied without a file: ` +
        `not replayed, so what ${missing.length === 1 ? "it" : "they"} made counts as schema drift.`,
    );
  }
  const changed = history.differences.filter((entry) => entry.state === "changed");
  if (changed.length > 0) {
    notes.push(
      `${changed.map((entry) => entry.version).join(", ")} ${changed.length === 1 ? "was" : "were"} edited after being applied: ` +
        "replayed as the file is now.",
    );
  }
  return notes;
}

/** How a side is named in messages: its environment, else its redacted URL; or "the migrations". */
function label(side: DriftDatabase | DriftAgainst): string {
  return "env" in side ? (side.env ?? side.url_redacted) : "the migrations";
}

/** `--env NAME`, else `--url URL` (redacted: the user puts the password back). */
function targetFlag(side: DriftDatabase): string {
  return side.env !== null ? `--env ${side.env}` : `--url ${side.url_redacted}`;
}

async function writeBridge(
  project: Project,
  base: Snapshot,
  actual: Snapshot,
  result: DriftResult,
  options: DriftOptions,
): Promise<DriftBridge | null> {
  if (result.schema.differences.length === 0) {
    result.notes.push("no schema drift: no bridge migration written.");
    return null;
  }
  const now = options.now ?? new Date();
  const version = utcTimestamp(now);
  const { target, against } = result;
  const record = `drydock repair --mark-applied ${version} ${targetFlag(target)}`;
  const others = Object.keys(project.config.env).filter((name) => name !== target.env);
  const applyElsewhere =
    others.length > 0 ? others.map((name) => `drydock apply --env ${name}`) : ["drydock apply --url <another database>"];
  const next = against.kind === "migrations" ? [record, ...applyElsewhere] : [`drydock apply ${targetFlag(against)}`, record];
  const reconciles =
    against.kind === "migrations"
      ? [
          `It captures how ${label(target)} differs from the migrations it applied (${result.schema.differences.length} differences):`,
          `applied after them, it gives a database the schema ${label(target)} has.`,
          `${label(target)} has it already: record it there without running it:`,
          `  ${next[0]}`,
          "Other databases get it with drydock apply.",
        ]
      : [
          `It turns the schema of ${label(against)} into the schema of ${label(target)} (${result.schema.differences.length} differences):`,
          `what ${label(against)} lacks. Apply it there: ${next[0]}`,
          `${label(target)} has it already: record it there without running it:`,
          `  ${next[1]}`,
        ];
  const bridge = bridgeMigration({
    from: base,
    to: actual,
    allowDestructive: options.allowDestructive === true,
    header: [`Bridge migration written by drydock drift on ${now.toISOString().replace(/\.\d{3}Z$/, "Z")}.`, ...reconciles],
  });
  if (!bridge) {
    result.notes.push(
      "the schema drift is only drops, which a bridge leaves out: no bridge migration written. Pass --allow-destructive to include them.",
    );
    return null;
  }
  const written = await writeMigration(project, `bridge_${bridgeName(options.writeBridge, target, against)}`, bridge, now);
  return {
    file: written.files[0] ?? "",
    files: written.files,
    version: written.version,
    statements: bridge.statements.length,
    left_out: bridge.left_out,
    next,
  };
}

/** The name given, without a `bridge_` of its own; else the target's name (and the other side's). */
function bridgeName(given: DriftOptions["writeBridge"], target: DriftDatabase, against: DriftAgainst): string {
  if (typeof given === "string" && given.trim() !== "") return given.trim().replace(/^bridge[_\-\s]+/i, "");
  const targetName = target.env ?? "target";
  return against.kind === "migrations" ? targetName : `${targetName}_to_${against.env ?? "other"}`;
}
