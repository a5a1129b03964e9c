import { resolve } from "node:path";
import { type Engine, readServerVersion } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import type { Target } from "../db/target-url.js";
import { InputError } from "../errors/drydock-error.js";
import { type Environment, requirePgToolForServer, type ServerTarget } from "../rehearse/sandbox/pg-tools.js";
import { dropDatabase, withDatabase } from "../rehearse/sandbox/sandbox-server.js";
import { createDatabase, readSource } from "../rehearse/sandbox/scratch-copy.js";
import { findBackupTool, pgToolRun, requireBackupServer, runPgTool, secretsOf } from "./backup-tools.js";
import { type BackupContents, verifyBackup } from "./verify-backup.js";

/** Where `restoreBackup` restores, and the confirmation that it may replace a database's content. */
export interface RestoreBackupOptions {
  /** The database the backup belongs to. */
  target: Target;
  /**
   * Where to restore: the target itself (the default) or another existing database, whose
   * content is replaced; or `"new"`, a new database `<target db>_restored_<stamp>` on the
   * target's server, which leaves the target untouched.
   */
  into?: Target | "new";
  /** Required to replace a database's content (the CLI asks, or takes `--yes`); not for `"new"`. */
  confirm: boolean;
  /** Where `DRYDOCK_PG_BIN` and `PATH` are read, and the base of pg_restore's environment. */
  env?: Environment;
  /** The time in a new database's name (UTC); now by default. */
  now?: Date;
}

/** What `restoreBackup` restored, and where (snake_case: it goes into reports as it is). */
export interface RestoredBackup {
  file: string;
  /** `target`: the target itself; `database`: another existing database; `new`: a database created for it. */
  mode: "target" | "database" | "new";
  /** The database restored into, its password hidden. */
  url_redacted: string;
  database: string;
  /** Tables of the backup, restored (`schema.table`, sorted). */
  tables: string[];
  duration_ms: number;
  pg_restore_version: string;
  /**
   * Tables of the database that the backup does not hold (created after it): a restore drops
   * and recreates only what the backup holds, so these were left as they were.
   */
  left_in_place: string[];
  warnings: string[];
}

/**
 * Restores a `pg_dump -Fc` backup. Into an existing database (the target, or `into`) it replaces
 * what the backup holds: `pg_restore --clean --if-exists --single-transaction --exit-on-error`,
 * so each object of the backup is dropped if present and recreated with its rows, all in one
 * transaction: any error rolls everything back and the database is as it was. That transaction
 * takes ACCESS EXCLUSIVE locks on every table it replaces until it commits, so the application
 * should be stopped first. Objects created after the backup are not in it and stay (reported in
 * `left_in_place`); one that depends on a replaced object stops the restore. Refused unless
 * `confirm`. With `into: "new"`, restores into a new database on the target's server, made like
 * the target (encoding, locale, owner), dropped again if the restore fails.
 * https://www.postgresql.org/docs/current/app-pgrestore.html
 */
export async function restoreBackup(file: string, options: RestoreBackupOptions): Promise<RestoredBackup> {
  const started = performance.now();
  const path = resolve(file);
  const server = requireBackupServer(options.target);
  const destination = options.into === "new" ? null : requireBackupServer(options.into ?? options.target);
  if (destination && !options.confirm) {
    throw new InputError(`restoring ${path} into ${destination.urlRedacted} replaces its content: not confirmed`, {
      hint: "Confirm it (drydock rollback asks for the database name, or takes --yes), or restore into a new database with --into new.",
    });
  }
  const env = options.env ?? process.env;
  const admin = await openEngine(destination ?? server, { applicationName: "drydock restore" });
  try {
    const version = await readServerVersion(admin);
    const tool = await findBackupTool("pg_restore", env, version);
    requirePgToolForServer(tool, version);
    const contents = await verifyBackup(path, { env });
    const restored = destination
      ? await replaceContent(admin, destination, path, { contents, tool, env })
      : await restoreIntoNew(admin, server, path, { contents, tool, env, now: options.now ?? new Date() });
    return {
      file: path,
      mode: destination ? (options.into && options.into !== "new" ? "database" : "target") : "new",
      ...restored,
      tables: contents.tables,
      duration_ms: Math.round(performance.now() - started),
      pg_restore_version: tool.version,
    };
  } finally {
    await admin.close();
  }
}

interface RestoreRun {
  contents: BackupContents;
  tool: Awaited<ReturnType<typeof findBackupTool>>;
  env: Environment;
}

type RestoreOutcome = Pick<RestoredBackup, "url_redacted" | "database" | "left_in_place" | "warnings">;

async function replaceContent(admin: Engine, destination: ServerTarget, path: string, run: RestoreRun): Promise<RestoreOutcome> {
  const [current] = await admin.query<{ name: string }>("SELECT pg_catalog.current_database() AS name");
  const database = current?.name ?? "";
  const args = [
    "--clean",
    "--if-exists",
    "--single-transaction",
    "--exit-on-error",
    "--no-password",
    `--dbname=${conninfo(database)}`,
    path,
  ];
  await runPgTool(pgToolRun(run.tool, args, destination, run.env, "drydock restore"), {
    what: `restoring ${path} into ${destination.urlRedacted} (nothing was changed)`,
    secrets: secretsOf(destination),
  });
  const inBackup = new Set(run.contents.tables);
  const leftInPlace = (await listTables(admin)).filter((table) => !inBackup.has(table));
  const warnings: string[] = [];
  if (leftInPlace.length > 0) {
    warnings.push(
      `${leftInPlace.length} table${leftInPlace.length === 1 ? " is" : "s are"} not in the backup and ${leftInPlace.length === 1 ? "was" : "were"} left as ${leftInPlace.length === 1 ? "it was" : "they were"}: ${leftInPlace.slice(0, 10).join(", ")}${leftInPlace.length > 10 ? ", …" : ""}`,
    );
  }
  if (!inBackup.has("drydock.migrations") && leftInPlace.includes("drydock.migrations")) {
    warnings.push(
      "the backup holds no drydock history, so drydock.migrations was left as it was: it may list migrations whose changes the restore undid (drydock status shows them)",
    );
  }
  return { url_redacted: destination.urlRedacted, database, left_in_place: leftInPlace, warnings };
}

async function restoreIntoNew(admin: Engine, server: ServerTarget, path: string, run: RestoreRun & { now: Date }): Promise<RestoreOutcome> {
  const source = await readSource(admin);
  const [current] = await admin.query<{ name: string }>("SELECT pg_catalog.current_database() AS name");
  const name = restoredDatabaseName(current?.name ?? "database", run.now);
  await createDatabase(admin, name, source);
  const into = withDatabase(server, name);
  const args = ["--exit-on-error", "--no-password", `--dbname=${conninfo(name)}`];
  const warnings: string[] = [];
  if (!source.is_superuser) {
    args.push("--no-owner", "--no-privileges");
    warnings.push(
      `${source.user_name} is not a superuser: restored with --no-owner --no-privileges, so ${source.user_name} owns every object and no GRANT was restored`,
    );
  }
  args.push(path);
  try {
    await runPgTool(pgToolRun(run.tool, args, into, run.env, "drydock restore"), {
      what: `restoring ${path} into the new database ${name} (dropped again)`,
      secrets: secretsOf(server),
    });
  } catch (error) {
    await dropDatabase(admin, name).catch(() => undefined); // the restore's failure is the one to report
    throw error;
  }
  warnings.push(
    "settings of the database (ALTER DATABASE … SET) are not part of a restore: set them on the new database if it replaces the target",
  );
  return { url_redacted: into.urlRedacted, database: name, left_in_place: [], warnings };
}

/** `<database>_restored_<yyyymmddhhmmss UTC>`, the database part cut so that the name fits PostgreSQL's 63 bytes. */
export function restoredDatabaseName(database: string, now: Date): string {
  const suffix = `_restored_${now.toISOString().replace(/[-:T]/g, "").slice(0, 14)}`;
  let base = database;
  while (Buffer.byteLength(base + suffix) > 63) base = base.slice(0, -1);
  return base + suffix;
}

/** Tables (ordinary, partitioned, partitions: the TABLE entries of a dump) outside PostgreSQL's own schemas, `schema.table`, sorted. */
async function listTables(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^(pg_catalog|information_schema|pg_toast.*|pg_temp_.*)$'
     ORDER BY n.nspname, c.relname`,
  );
  return rows.map((row) => row.name);
}

/**
 * `dbname='…'`: pg_restore reads a `--dbname` holding `=` or starting with `postgres://` as a
 * connection string, so a database name is always passed quoted as one. The other connection
 * parameters come from the libpq variables.
 */
function conninfo(database: string): string {
  return `dbname='${database.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
