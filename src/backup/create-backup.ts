import { chmod, link, mkdir, open, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ServerVersion } from "../db/engine.js";
import type { Target } from "../db/target-url.js";
import { EnvironmentError } from "../errors/drydock-error.js";
import { type Environment, requirePgToolForServer } from "../rehearse/sandbox/pg-tools.js";
import { findBackupTool, pgToolRun, requireBackupServer, runPgTool, secretsOf } from "./backup-tools.js";
import { verifyBackup } from "./verify-backup.js";

/** Where and how `createBackup` writes the dump. */
export interface CreateBackupOptions {
  /** The backups folder (`apply.backup_dir`); created when missing. */
  dir: string;
  /** The target's server version: a pg_dump older than it is refused. */
  serverVersion: ServerVersion;
  /** The end of the file name, e.g. the environment's name; other characters than `[A-Za-z0-9._-]` become `-`. */
  label: string;
  /** The time in the file name (UTC). */
  now: Date;
  /** Where `DRYDOCK_PG_BIN` and `PATH` are read, and the base of pg_dump's environment. */
  env?: Environment;
  /** How long pg_dump waits for a table lock before giving up (`--lock-wait-timeout`); 30 s. */
  lockWaitTimeoutMs?: number;
}

/** A dump written by `createBackup` (snake_case: it goes into the apply report as it is). */
export interface Backup {
  /** Absolute path of the `.dump` file. */
  file: string;
  size_bytes: number;
  duration_ms: number;
  /** The version of the pg_dump that wrote it, e.g. "15.4". */
  pg_dump_version: string;
  /** Tables in the archive (`TABLE` entries of its table of contents), drydock's history included. */
  tables: number;
}

/**
 * Dumps the whole target database with `pg_dump -Fc` (custom format: compressed, restorable
 * table by table, read by `pg_restore`) into `<dir>/<yyyymmddThhmmssZ>-<label>.dump`, readable
 * by its owner only (mode 0600: a dump holds every row). pg_dump reads in one repeatable-read
 * snapshot and takes ACCESS SHARE locks, so the database stays writable; a lock it cannot get
 * within `lockWaitTimeoutMs` (a migration holding ACCESS EXCLUSIVE) fails the dump instead of
 * queueing. The dump is written under a temporary name and linked to its final name only once
 * pg_dump succeeded and pg_restore read its table of contents, so a failure leaves no file.
 * The password travels in `PGPASSWORD`, never on the command line.
 * https://www.postgresql.org/docs/current/app-pgdump.html
 */
export async function createBackup(target: Target, options: CreateBackupOptions): Promise<Backup> {
  const server = requireBackupServer(target);
  const env = options.env ?? process.env;
  const started = performance.now();
  const dump = await findBackupTool("pg_dump", env, options.serverVersion);
  requirePgToolForServer(dump, options.serverVersion);
  const dir = resolve(options.dir);
  // 0700: the folder lists what was backed up and when; the files hold the data.
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((cause: unknown) => {
    throw fileError(dir, cause);
  });
  const file = join(dir, backupFileName(options.now, options.label));
  const partial = `${file}.partial`;
  // Created first with mode 0600: pg_dump --file truncates it and keeps its mode, whatever the umask.
  const handle = await open(partial, "wx", 0o600).catch((cause: unknown) => {
    throw fileError(partial, cause);
  });
  await handle.close();
  try {
    const lockWait = `--lock-wait-timeout=${options.lockWaitTimeoutMs ?? 30_000}ms`;
    // --file, not stdout: pg_dump writes data offsets into a seekable file, which pg_restore --jobs needs.
    const args = ["--format=custom", "--no-password", lockWait, `--file=${partial}`];
    await runPgTool(pgToolRun(dump, args, server, env, "drydock backup"), {
      what: `backing up ${server.urlRedacted}`,
      secrets: secretsOf(server),
    });
    await chmod(partial, 0o600);
    const { tables } = await verifyBackup(partial, { env });
    // link() fails when the name exists, where rename() would replace an earlier backup.
    await link(partial, file).catch((cause: unknown) => {
      throw fileError(file, cause);
    });
    await rm(partial, { force: true });
    const { size } = await stat(file);
    return {
      file,
      size_bytes: size,
      duration_ms: Math.round(performance.now() - started),
      pg_dump_version: dump.version,
      tables: tables.length,
    };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** `20240501T020304Z-production.dump`: sorts by time, and says which environment it holds. */
export function backupFileName(now: Date, label: string): string {
  const stamp = `${now.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
  const safeLabel = label.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "") || "backup";
  return `${stamp}-${safeLabel}.dump`;
}

function fileError(path: string, cause: unknown): EnvironmentError {
  const code = (cause as NodeJS.ErrnoException).code;
  const reason = code === "EEXIST" ? "it already exists" : cause instanceof Error ? cause.message : String(cause);
  return new EnvironmentError(`cannot write the backup ${path}: ${reason}`, {
    hint:
      code === "EEXIST"
        ? "Another backup with the same time and label is being written: wait a second and run again."
        : "Check apply.backup_dir, the free space there and this user's permissions on it.",
    cause,
  });
}
