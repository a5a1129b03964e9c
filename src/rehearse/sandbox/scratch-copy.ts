import { type Engine, readServerVersion } from "../../db/engine.js";
import { openEngine } from "../../db/open-engine.js";
import { ServerError } from "../../db/server-error.js";
import type { Target } from "../../db/target-url.js";
import { EnvironmentError } from "../../errors/drydock-error.js";
import { splitIdentifierList } from "../../util/identifier-list.js";
import { quoteIdent, quoteLiteral } from "../../util/quote-ident.js";
import {
  type Environment,
  findPgTool,
  libpqEnvironment,
  type PgTool,
  pipePgTools,
  requirePgToolForServer,
  type ServerTarget,
  toolEnvironment,
} from "./pg-tools.js";
import { dropDatabase, dropOnce, scratchDatabaseName, withDatabase } from "./sandbox-server.js";

/** How `createScratchCopy` copies. */
export interface CreateScratchCopyOptions {
  /** Copy the catalog only (`pg_dump --schema-only`), plus the rows of drydock's history. */
  schemaOnly?: boolean;
  onProgress?: (progress: ScratchCopyProgress) => void;
  /** Where `DRYDOCK_PG_BIN` and `PATH` are read, and the base of the tools' environment. */
  env?: Environment;
  /** How long pg_dump waits for a table lock before giving up (`--lock-wait-timeout`); 30 s. */
  lockWaitTimeoutMs?: number;
}

/** How far a copy is: `bytesStreamed` counts the archive bytes piped from pg_dump to pg_restore. */
export interface ScratchCopyProgress {
  phase: "create" | "copy" | "done";
  database: string;
  bytesStreamed: number;
}

/** A scratch database on the target's server that holds a copy of the target. */
export interface ScratchCopy {
  /** The copy, with the target's credentials. */
  target: Target;
  name: string;
  /** False with `schemaOnly`: the tables are empty, except drydock's history. */
  dataCopied: boolean;
  /** Tables in the copy, drydock's own included. */
  copiedTables: number;
  sizeBytes?: number;
  /** What the copy lacks compared with the target (ownership, privileges, settings). */
  warnings: string[];
  /** Drops the copy, ending its sessions; calling it again does nothing. */
  drop(): Promise<void>;
}

/** What the copy needs to know about the target database and the user that reads it. */
export interface SourceDatabase {
  encoding: string;
  props: Record<string, unknown>;
  owner: string;
  user_name: string;
  is_superuser: boolean;
  settings: string[] | null;
  role_settings: number;
  schemas: string[];
}

/** Settings PostgreSQL stores as a list of names (GUC_LIST_QUOTE), quoted element by element. */
const listSettings = new Set(["search_path", "temp_tablespaces", "session_preload_libraries", "local_preload_libraries"]);

/**
 * Copies a target into a new database `drydock_rehearsal_<utc stamp>_<hex>` on the same server:
 * `pg_dump -Fc` piped into `pg_restore -d` (no temporary file). The target is only read: pg_dump
 * takes ACCESS SHARE locks in one repeatable-read snapshot, and CREATE DATABASE runs from a
 * session on the target but writes nothing in it. As a superuser the copy keeps the target's
 * owners and privileges; otherwise it is restored with `--no-owner --no-privileges` and says so.
 * Subscriptions are left out (a copy must not replicate). On any failure the half-made copy is
 * dropped before the error is thrown.
 */
export async function createScratchCopy(target: Target, options: CreateScratchCopyOptions = {}): Promise<ScratchCopy> {
  const server = requireServer(target);
  const env = options.env ?? process.env;
  const name = scratchDatabaseName("drydock_rehearsal");
  const progress = (phase: ScratchCopyProgress["phase"], bytesStreamed = 0) =>
    options.onProgress?.({ phase, database: name, bytesStreamed });
  const admin = await openEngine(server, { applicationName: "drydock rehearse" });
  try {
    const version = await readServerVersion(admin);
    const [dump, restore] = await Promise.all([
      findPgTool("pg_dump", { env, serverMajor: version.major }),
      findPgTool("pg_restore", { env, serverMajor: version.major }),
    ]);
    requirePgToolForServer(dump, version);
    requirePgToolForServer(restore, version);
    const source = await readSource(admin);
    const copy = withDatabase(server, name);
    try {
      progress("create");
      await createDatabase(admin, name, source);
      const { dumpArgs, restoreArgs, warnings } = copyArguments(name, source, options);
      const run = (tool: PgTool, args: string[], on: ServerTarget) => {
        const libpq = libpqEnvironment(on, { applicationName: `drydock rehearse (${tool.name})` });
        return { tool, args, env: toolEnvironment(env, libpq) };
      };
      let reported = 0;
      let streamed = 0;
      await pipePgTools(run(dump, dumpArgs, server), run(restore, restoreArgs, copy), {
        secrets: secretsOf(server),
        onBytes: (total) => {
          streamed = total;
          if (total - reported < 8 * 1024 * 1024) return;
          reported = total;
          progress("copy", total);
        },
      });
      warnings.push(...(await copySettings(admin, name, source)));
      const [stats] = await admin.query<{ size: string | null }>("SELECT pg_catalog.pg_database_size($1) AS size", [name]);
      progress("done", streamed);
      return {
        target: copy,
        name,
        dataCopied: !options.schemaOnly,
        copiedTables: await countTables(copy),
        ...(stats?.size ? { sizeBytes: Number(stats.size) } : {}),
        warnings,
        drop: dropOnce(server, name, version),
      };
    } catch (error) {
      throw await withCleanup(error, admin, name, server);
    }
  } finally {
    await admin.close();
  }
}

/**
 * Drops the scratch databases (`drydock_rehearsal_…`, and `drydock_sandbox_…` from
 * `openSandboxServer`) whose name stamps are older than `olderThanMs`: rehearsals killed before
 * they could clean up. Returns the names dropped.
 */
export async function dropLeftoverScratchDatabases(serverTarget: Target, options: { olderThanMs: number; now?: Date }): Promise<string[]> {
  const admin = await openEngine(requireServer(serverTarget), { applicationName: "drydock cleanup" });
  try {
    const rows = await admin.query<{ name: string }>(
      "SELECT datname AS name FROM pg_catalog.pg_database WHERE datname ~ '^drydock_(rehearsal|sandbox)_[0-9]{14}_[0-9a-f]{6}$' ORDER BY 1",
    );
    const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMs;
    const old = rows.map((row) => row.name).filter((name) => stampTime(name) < cutoff);
    for (const name of old) await dropDatabase(admin, name);
    return old;
  } finally {
    await admin.close();
  }
}

/**
 * pg_dump writes a custom-format archive, uncompressed (it only crosses a pipe), without
 * subscriptions (a copy must not replicate), and gives up on a table lock it cannot get in time
 * rather than queue behind a migration on the target. pg_restore stops at the first error.
 */
function copyArguments(name: string, source: SourceDatabase, options: CreateScratchCopyOptions) {
  const lockWait = `--lock-wait-timeout=${options.lockWaitTimeoutMs ?? 30_000}ms`;
  const dumpArgs = ["--format=custom", "--compress=0", "--no-subscriptions", lockWait];
  if (options.schemaOnly) {
    // Every schema's table data but drydock's: the rehearsal reads the history to know what is pending.
    dumpArgs.push("--no-blobs", ...source.schemas.map((schema) => `--exclude-table-data="${schema.replace(/"/g, '""')}".*`));
  }
  const restoreArgs = ["--exit-on-error", `--dbname=${name}`];
  const warnings: string[] = [];
  if (!source.is_superuser) {
    restoreArgs.push("--no-owner", "--no-privileges");
    warnings.push(
      `${source.user_name} is not a superuser: the copy was restored with --no-owner --no-privileges, so ${source.user_name} owns every object and no GRANT was copied`,
    );
  }
  return { dumpArgs, restoreArgs, warnings };
}

function requireServer(target: Target): ServerTarget {
  if (target.engine === "postgres") return target;
  throw new EnvironmentError(`cannot copy ${target.urlRedacted}: the embedded engine has no pg_dump`, {
    hint: "Rehearse against a postgres:// target, or let the rehearsal build its own embedded sandbox.",
  });
}

function secretsOf(target: ServerTarget): string[] {
  return target.password ? [target.password, encodeURIComponent(target.password)] : [];
}

export async function readSource(admin: Engine): Promise<SourceDatabase> {
  const [row] = await admin.query<SourceDatabase>(
    `SELECT pg_catalog.pg_encoding_to_char(d.encoding) AS encoding, pg_catalog.to_jsonb(d) - 'datacl' AS props,
       pg_catalog.pg_get_userbyid(d.datdba) AS owner, current_user AS user_name,
       (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS is_superuser,
       (SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s WHERE s.setdatabase = d.oid AND s.setrole = 0) AS settings,
       (SELECT count(*)::int FROM pg_catalog.pg_db_role_setting s WHERE s.setdatabase = d.oid AND s.setrole <> 0) AS role_settings,
       ARRAY(SELECT n.nspname::text FROM pg_catalog.pg_namespace n WHERE n.nspname <> 'drydock'
             AND n.nspname !~ '^(pg_catalog|information_schema|pg_toast.*|pg_temp_.*)$' ORDER BY 1) AS schemas
     FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()`,
  );
  if (!row) throw new EnvironmentError("cannot read the target database's properties from pg_database");
  return row;
}

/**
 * Creates the copy from template0 (a pg_dump archive restores onto a pristine database) with the
 * target's encoding and locale; the locale provider exists from PostgreSQL 15 (ICU), the builtin
 * one from 17. A superuser gives it the target's owner, so owner-dependent behaviour is the same.
 */
export async function createDatabase(admin: Engine, name: string, source: SourceDatabase): Promise<void> {
  const text = (key: string) => (typeof source.props[key] === "string" ? (source.props[key] as string) : null);
  let sql = `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING ${quoteLiteral(source.encoding)}`;
  sql += ` LC_COLLATE ${quoteLiteral(text("datcollate") ?? "C")} LC_CTYPE ${quoteLiteral(text("datctype") ?? "C")}`;
  const provider = text("datlocprovider");
  const locale = text("datlocale") ?? text("daticulocale");
  if (provider === "i" && locale) sql += ` LOCALE_PROVIDER icu ICU_LOCALE ${quoteLiteral(locale)}`;
  if (provider === "b" && locale) sql += ` LOCALE_PROVIDER builtin BUILTIN_LOCALE ${quoteLiteral(locale)}`;
  if (provider === "i" && text("daticurules")) sql += ` ICU_RULES ${quoteLiteral(text("daticurules") as string)}`;
  if (source.is_superuser) sql += ` OWNER ${quoteIdent(source.owner)}`;
  try {
    await admin.exec(sql);
  } catch (cause) {
    if (!(cause instanceof ServerError && cause.sqlstate === "42501")) throw cause;
    throw new EnvironmentError(cause.message, {
      hint: `Give ${source.user_name} the CREATEDB privilege (ALTER ROLE ${quoteIdent(source.user_name)} CREATEDB), or rehearse on the embedded engine.`,
      cause,
    });
  }
}

/**
 * Copies `ALTER DATABASE … SET` settings, which pg_dump writes only with `--create`. A list
 * setting is stored as `search_path="$user", public` and must be set element by element, as
 * pg_dumpall does. A setting that cannot be copied becomes a warning.
 */
async function copySettings(admin: Engine, name: string, source: SourceDatabase): Promise<string[]> {
  const warnings: string[] = [];
  for (const setting of source.settings ?? []) {
    const [key = "", value = ""] = setting.split(/=(.*)/s);
    const values = listSettings.has(key.toLowerCase()) ? splitIdentifierList(value) : [value];
    const sql = `ALTER DATABASE ${quoteIdent(name)} SET ${quoteIdent(key)} TO ${values.map(quoteLiteral).join(", ") || "''"}`;
    await admin.exec(sql).catch((error: unknown) => {
      warnings.push(`the database setting ${key} was not copied: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  if (source.role_settings > 0)
    warnings.push(`${source.role_settings} per-role settings of the database (ALTER ROLE … IN DATABASE) were not copied`);
  return warnings;
}

async function countTables(copy: Target): Promise<number> {
  const engine = await openEngine(copy, { applicationName: "drydock rehearse" });
  try {
    const [row] = await engine.query<{ tables: number }>(
      `SELECT count(*)::int AS tables FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'f') AND n.nspname !~ '^(pg_catalog|information_schema|pg_toast.*|pg_temp_.*)$'`,
    );
    return row?.tables ?? 0;
  } finally {
    await engine.close();
  }
}

/** Drops the half-made copy, then gives the error to throw: an `EnvironmentError` that names the copy. */
async function withCleanup(error: unknown, admin: Engine, name: string, server: ServerTarget): Promise<Error> {
  const dropFailure = await dropDatabase(admin, name).then(
    () => "",
    (cause: unknown) =>
      `; the half-made copy could not be dropped (${cause instanceof Error ? cause.message : String(cause)}): DROP DATABASE ${name}`,
  );
  const reason = error instanceof Error ? error.message : String(error);
  const details =
    error instanceof EnvironmentError
      ? error.details
      : { hint: "Check the user's privileges on the target and its server, or rehearse on the embedded engine.", cause: error };
  return new EnvironmentError(`copying ${server.urlRedacted} into ${name} failed: ${reason}${dropFailure}`, details);
}

/** The UTC time in a scratch database's name; a name without one is never old. */
function stampTime(name: string): number {
  const digits = /_(\d{14})_[0-9a-f]{6}$/.exec(name)?.[1];
  if (!digits) return Number.POSITIVE_INFINITY;
  return Date.parse(digits.replace(/(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/, "$1-$2-$3T$4:$5:$6Z"));
}
