import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { type Engine, readServerVersion } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import type { Target } from "../db/target-url.js";
import { InputError } from "../errors/drydock-error.js";
import { type Environment, type PgTool, requirePgToolForServer, type ServerTarget } from "../rehearse/sandbox/pg-tools.js";
import { dropDatabase, withDatabase } from "../rehearse/sandbox/sandbox-server.js";
import { createDatabase, readSource } from "../rehearse/sandbox/scratch-copy.js";
import { findBackupTool, pgToolRun, requireBackupServer, runPgTool, secretsOf, toolFailure } from "./backup-tools.js";
import { type BackupContents, type BackupObjectKind, backupObjectKey, verifyBackup } from "./verify-backup.js";

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
   * Objects of the database the backup does not hold (created after it was taken), dropped in
   * the restore's transaction so that the database is the one of the backup: `table
   * public.t`, `function app.f(integer)`. Empty for a restore into a new database.
   */
  dropped_since_backup: string[];
  warnings: string[];
}

/**
 * Restores a `pg_dump -Fc` backup. Into an existing database (the target, or `into`) it makes
 * the database the backup's: the objects created after the backup are dropped
 * (`dropped_since_backup`), then each object of the backup is dropped if present and made again
 * with its rows (`pg_restore --clean --if-exists` run by psql), all in one transaction: any error
 * rolls everything back and the database is as it was. That transaction takes ACCESS EXCLUSIVE
 * locks on every table it replaces until it commits, so the application should be stopped
 * first. Refused unless `confirm`. With `into: "new"`, restores into a new database on the target's server, made like
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

type RestoreOutcome = Pick<RestoredBackup, "url_redacted" | "database" | "dropped_since_backup" | "warnings">;

async function replaceContent(admin: Engine, destination: ServerTarget, path: string, run: RestoreRun): Promise<RestoreOutcome> {
  const [current] = await admin.query<{ name: string }>("SELECT pg_catalog.current_database() AS name");
  const database = current?.name ?? "";
  const createdSince = await objectsNotInBackup(admin, run.contents);
  const historyAfter = await historyTrailer(admin, run.contents);
  const psql = await findBackupTool("psql", run.env);
  await restoreInOneTransaction(destination, path, {
    ...run,
    psql,
    before: createdSince.map((object) => object.drop),
    after: historyAfter,
    database,
  });
  const warnings: string[] = [];
  if (createdSince.length > 0) {
    const names = createdSince.map((object) => object.label);
    warnings.push(
      `${createdSince.length} object${createdSince.length === 1 ? "" : "s"} created after the backup ${createdSince.length === 1 ? "was" : "were"} dropped: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}`,
    );
  }
  if (historyAfter.length > 0) {
    warnings.push(
      "the backup holds no drydock history: drydock.migrations was emptied, as nothing was applied when it was taken (drydock.runs keeps its audit trail)",
    );
  }
  return {
    url_redacted: destination.urlRedacted,
    database,
    dropped_since_backup: createdSince.map((object) => object.label),
    warnings,
  };
}

/** An object of the database that the backup does not hold, and the statement that drops it. */
interface CreatedSince {
  /** `table public.t`, `function app.f(integer)`. */
  label: string;
  drop: string;
}

/**
 * The objects of the database the backup does not hold: created after it was taken. A restore
 * replaces what the backup holds; these would stay, with the restored history saying that the
 * migrations that made them are not applied (the next apply then fails on "already exists"), or
 * stop the restore when they depend on a table it replaces. Objects of PostgreSQL's schemas and
 * of extensions, sequences owned by a column, and drydock's own schema (its audit trail) are left
 * out. Named as `pg_restore --list` names them (`backupObjectKey`).
 */
async function objectsNotInBackup(admin: Engine, contents: BackupContents): Promise<CreatedSince[]> {
  const rows = await admin.query<{ kind: BackupObjectKind; schema: string | null; name: string; label: string; drop: string }>(
    `WITH user_schemas AS (
       SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n
        WHERE n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'drydock')
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                           WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
     ), members AS (
       SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.deptype IN ('e', 'a', 'i')
     )
     SELECT 'schema' AS kind, NULL AS schema, s.nspname AS name, 'schema ' || s.nspname AS label,
            format('DROP SCHEMA IF EXISTS %I CASCADE', s.nspname) AS drop
       FROM user_schemas s WHERE s.nspname <> 'public'
     UNION ALL
     SELECT 'extension', NULL, x.extname, 'extension ' || x.extname, format('DROP EXTENSION IF EXISTS %I CASCADE', x.extname)
       FROM pg_catalog.pg_extension x WHERE x.extname <> 'plpgsql'
     UNION ALL
     SELECT 'relation', s.nspname, c.relname,
            CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE 'table' END
              || ' ' || s.nspname || '.' || c.relname,
            format('DROP %s IF EXISTS %I.%I CASCADE',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
              s.nspname, c.relname)
       FROM pg_catalog.pg_class c JOIN user_schemas s ON s.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid)
     UNION ALL
     SELECT 'routine', s.nspname, p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')',
            CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END || ' ' || s.nspname || '.' || p.proname
              || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')',
            format('DROP %s IF EXISTS %s CASCADE', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
              p.oid::pg_catalog.regprocedure)
       FROM pg_catalog.pg_proc p JOIN user_schemas s ON s.oid = p.pronamespace
      WHERE p.prokind IN ('f', 'p', 'a')
        AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_catalog.pg_proc'::regclass AND m.objid = p.oid)
     UNION ALL
     SELECT 'type', s.nspname, t.typname, CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END || ' ' || s.nspname || '.' || t.typname,
            format('DROP %s IF EXISTS %I.%I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, s.nspname, t.typname)
       FROM pg_catalog.pg_type t JOIN user_schemas s ON s.oid = t.typnamespace
      WHERE t.typtype IN ('e', 'd', 'r', 'c')
        AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
        AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_catalog.pg_type'::regclass AND m.objid = t.oid)`,
  );
  const inBackup = new Set(contents.objects);
  const notInBackup = rows.filter((row) => !inBackup.has(backupObjectKey(row.kind, row.schema, row.name)));
  // What a dropped schema holds goes with it.
  const droppedSchemas = new Set(notInBackup.filter((row) => row.kind === "schema").map((row) => row.name));
  const gone = notInBackup.filter((row) => row.schema === null || !droppedSchemas.has(row.schema));
  // Schemas first; the later drops say IF EXISTS, for what a CASCADE took along.
  const order: BackupObjectKind[] = ["schema", "extension", "relation", "routine", "type"];
  return gone
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.label.localeCompare(b.label))
    .map((row) => ({ label: row.label, drop: row.drop }));
}

/**
 * When the backup holds no drydock history (taken before the first apply) but the database has
 * one, the restored database has none of those migrations' changes: the history must say so.
 */
async function historyTrailer(admin: Engine, contents: BackupContents): Promise<string[]> {
  if (contents.tables.includes("drydock.migrations")) return [];
  const [present] = await admin.query<{ present: boolean }>("SELECT to_regclass('drydock.migrations') IS NOT NULL AS present");
  return present?.present ? ["DELETE FROM drydock.migrations"] : [];
}

/**
 * `pg_restore --clean --if-exists` writes the backup as SQL (each of its objects dropped if
 * present, then made again with its rows) and psql runs it with `before` ahead of it and `after`
 * behind it, all in one transaction (`--single-transaction`, `ON_ERROR_STOP`): any error, or a
 * pg_restore that fails halfway, rolls everything back. psql's input is ended only after
 * pg_restore succeeded; otherwise psql is killed before it can commit.
 */
function restoreInOneTransaction(
  destination: ServerTarget,
  path: string,
  run: RestoreRun & { psql: PgTool; before: string[]; after: string[]; database: string },
): Promise<void> {
  const what = `restoring ${path} into ${destination.urlRedacted} (nothing was changed)`;
  const secrets = secretsOf(destination);
  const script = pgToolRun(run.tool, ["--clean", "--if-exists", "--file=-", path], destination, run.env, "drydock restore");
  const apply = pgToolRun(
    run.psql,
    ["-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--no-password", `--dbname=${conninfo(run.database)}`, "--file=-"],
    destination,
    run.env,
    "drydock restore",
  );
  return new Promise((resolvePromise, reject) => {
    const writer = spawn(script.tool.path, script.args, { env: script.env, stdio: ["ignore", "pipe", "pipe"] });
    const reader = spawn(apply.tool.path, apply.args, { env: apply.env, stdio: ["pipe", "ignore", "pipe"] });
    const stderr = { pg_restore: "", psql: "" };
    writer.stderr.on("data", (chunk: Buffer) => (stderr.pg_restore = (stderr.pg_restore + chunk.toString("utf8")).slice(-16_384)));
    reader.stderr.on("data", (chunk: Buffer) => (stderr.psql = (stderr.psql + chunk.toString("utf8")).slice(-16_384)));
    let failed = false;
    const fail = (tool: "pg_restore" | "psql", status: string) => {
      if (failed) return;
      failed = true;
      reader.kill("SIGKILL"); // before it reads the end of its input and commits
      writer.kill("SIGKILL");
      reject(toolFailure(tool, status, stderr[tool], { what, secrets }));
    };
    reader.stdin.on("error", () => undefined); // psql gone: its exit says why
    reader.stdin.write(run.before.map((statement) => `${statement};\n`).join(""));
    writer.stdout.pipe(reader.stdin, { end: false });
    let written = false;
    let exited: number | null | undefined;
    const finishInput = () => {
      if (!written || exited === undefined || failed) return;
      if (exited !== 0) return fail("pg_restore", `exit ${exited}`);
      reader.stdin.end(run.after.map((statement) => `${statement};\n`).join(""));
    };
    writer.stdout.on("end", () => {
      written = true;
      finishInput();
    });
    writer.on("error", (error) => fail("pg_restore", error.message));
    writer.on("close", (code, signal) => {
      exited = signal ? -1 : code;
      if (signal && !failed) return fail("pg_restore", `killed by ${signal}`);
      finishInput();
    });
    reader.on("error", (error) => fail("psql", error.message));
    reader.on("close", (code, signal) => {
      if (failed) return;
      if (code === 0) resolvePromise();
      else fail("psql", signal ? `killed by ${signal}` : `exit ${code}`);
    });
  });
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
  return { url_redacted: into.urlRedacted, database: name, dropped_since_backup: [], warnings };
}

/** `<database>_restored_<yyyymmddhhmmss UTC>`, the database part cut so that the name fits PostgreSQL's 63 bytes. */
export function restoredDatabaseName(database: string, now: Date): string {
  const suffix = `_restored_${now.toISOString().replace(/[-:T]/g, "").slice(0, 14)}`;
  let base = database;
  while (Buffer.byteLength(base + suffix) > 63) base = base.slice(0, -1);
  return base + suffix;
}

/**
 * `dbname='…'`: pg_restore reads a `--dbname` holding `=` or starting with `postgres://` as a
 * connection string, so a database name is always passed quoted as one. The other connection
 * parameters come from the libpq variables.
 */
function conninfo(database: string): string {
  return `dbname='${database.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
