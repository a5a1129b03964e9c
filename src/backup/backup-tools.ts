import { spawn } from "node:child_process";
import type { ServerVersion } from "../db/engine.js";
import type { Target } from "../db/target-url.js";
import { EnvironmentError } from "../errors/drydock-error.js";
import {
  type Environment,
  findPgTool,
  hintForToolFailure,
  libpqEnvironment,
  type PgTool,
  type PgToolName,
  type PgToolRun,
  type ServerTarget,
  toolEnvironment,
} from "../rehearse/sandbox/pg-tools.js";
import { redactSecrets } from "../util/redact-url.js";

// What create-backup, verify-backup and restore-backup share on top of the sandbox's pg-tools:
// the backup wording of errors and hints, and running one program to its end.

/**
 * The target as a server for pg_dump and pg_restore. PGlite is a named limitation: it runs
 * inside drydock's process, with no server for the client programs to connect to.
 */
export function requireBackupServer(target: Target): ServerTarget {
  if (target.engine === "postgres") return target;
  const where = target.dataDir
    ? `Stop every program that opens it, then copy the folder ${target.dataDir} (e.g. cp -a), and copy it back to restore.`
    : "An in-memory database lives only as long as its process; there is nothing to keep.";
  throw new EnvironmentError(`cannot back up ${target.urlRedacted}: the embedded engine has no pg_dump; copy its folder instead`, {
    hint: where,
  });
}

/**
 * Finds pg_dump or pg_restore like `findPgTool`, with a hint about backups: the rehearsal's
 * way out (the embedded engine) does not apply to a production database.
 */
export async function findBackupTool(name: PgToolName, env: Environment, server?: ServerVersion): Promise<PgTool> {
  try {
    return await findPgTool(name, { env, ...(server ? { serverMajor: server.major } : {}) });
  } catch (error) {
    if (!(error instanceof EnvironmentError) || !/ not found/.test(error.message)) throw error;
    const where = env.DRYDOCK_PG_BIN ? `in DRYDOCK_PG_BIN (${env.DRYDOCK_PG_BIN})` : "on PATH";
    const tools = server ? `the PostgreSQL ${server.major} client tools` : "the PostgreSQL client tools";
    throw new EnvironmentError(`${name} not found ${where}: backups need ${tools}`, {
      hint: `Install them (e.g. apt install postgresql-client-${server?.major ?? 17}), or set DRYDOCK_PG_BIN to the folder that holds ${name}.`,
      cause: error,
    });
  }
}

/** A client program's run on a server: the libpq variables of the target (password included) and no password on the command line. */
export function pgToolRun(tool: PgTool, args: string[], on: ServerTarget, env: Environment, applicationName: string): PgToolRun {
  const libpq = libpqEnvironment(on, { applicationName: `${applicationName} (${tool.name})` });
  return { tool, args, env: toolEnvironment(env, libpq) };
}

/** The target's password as it may appear in a message: as given, and URL-encoded. */
export function secretsOf(target: ServerTarget): string[] {
  return target.password ? [target.password, encodeURIComponent(target.password)] : [];
}

/**
 * Runs a client program to its end and returns its standard output. A failure is an
 * `EnvironmentError` that says what was being done and how the program ended, with the last
 * lines of its stderr, redacted of `secrets`, and a hint read from them.
 */
export function runPgTool(run: PgToolRun, options: { what: string; secrets: readonly string[] }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(run.tool.path, run.args, { env: run.env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-16_384);
    });
    const fail = (status: string) => reject(toolFailure(run.tool.name, status, stderr, options));
    child.on("error", (error) => fail(error.message));
    child.on("close", (code, signal) => {
      if (code === 0) resolvePromise(Buffer.concat(stdout).toString("utf8"));
      else fail(signal ? `killed by ${signal}` : `exit ${code}`);
    });
  });
}

/**
 * A client program that failed, as an `EnvironmentError`: what was being done, how the program
 * ended, the last lines of its stderr redacted of `secrets`, and a hint read from them.
 */
export function toolFailure(
  tool: string,
  status: string,
  stderr: string,
  options: { what: string; secrets: readonly string[] },
): EnvironmentError {
  const text = redactSecrets(stderr, options.secrets);
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-4)
    .map((line) => line.slice(0, 400));
  return new EnvironmentError(`${options.what}: ${tool} failed (${status}): ${lines.join(" | ") || "no message"}`, {
    hint: hintForBackupFailure(text),
  });
}

/** The hint for a failed pg_dump or pg_restore: the sandbox's hints, plus the failures only a restore meets. */
export function hintForBackupFailure(stderr: string): string {
  if (/depends? on|other objects depend/i.test(stderr)) {
    return "Objects created after the backup depend on objects it replaces: drop them first, or restore into a new database (--into new). Nothing was changed.";
  }
  if (/unsupported version .* in file header|input file does not appear to be a valid archive|could not read input file/i.test(stderr)) {
    return "The file is not a pg_dump custom-format archive this pg_restore can read: check the file, or use pg_restore of the version that wrote it or newer (DRYDOCK_PG_BIN).";
  }
  if (/out of shared memory|max_locks_per_transaction/i.test(stderr)) {
    return "The restore runs in one transaction, which locks every table and index it replaces: raise max_locks_per_transaction on the server (a restart), or restore into a new database (--into new). Nothing was changed.";
  }
  if (/No space left on device/i.test(stderr)) return "Free space in the backups folder (apply.backup_dir), or point it to a larger disk.";
  const hint = hintForToolFailure(stderr);
  return hint === hintForToolFailure("")
    ? "Run the same command by hand (pg_dump or pg_restore with the target's connection) to see its whole output."
    : hint;
}
