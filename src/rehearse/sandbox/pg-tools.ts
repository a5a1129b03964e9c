import { type ChildProcess, execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import type { ServerVersion } from "../../db/engine.js";
import type { Target } from "../../db/target-url.js";
import { EnvironmentError } from "../../errors/drydock-error.js";
import { redactSecrets } from "../../util/redact-url.js";

/** The PostgreSQL client programs a scratch copy runs. */
export type PgToolName = "pg_dump" | "pg_restore" | "psql";

/** A PostgreSQL client program found on this machine, with the version it reports. */
export interface PgTool {
  name: PgToolName;
  path: string;
  /** As printed by `--version`, e.g. "15.4" or "17beta1". */
  version: string;
  major: number;
}

/** Environment variables, as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A target on a server (pg_dump cannot read PGlite: it has no server process). */
export type ServerTarget = Extract<Target, { engine: "postgres" }>;

/** A program to run with its arguments and the variables of its environment. */
export interface PgToolRun {
  tool: PgTool;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const runFile = promisify(execFile);

/**
 * Finds `pg_dump` or `pg_restore`: in the folder named by `DRYDOCK_PG_BIN` when it is set, else
 * on `PATH`, and reads its version from `--version`.
 */
export async function findPgTool(name: PgToolName, options: { env?: Environment; serverMajor?: number } = {}): Promise<PgTool> {
  const env = options.env ?? process.env;
  const file = process.platform === "win32" ? `${name}.exe` : name;
  const folders = env.DRYDOCK_PG_BIN ? [env.DRYDOCK_PG_BIN] : (env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const folder of folders) {
    const path = join(folder, file);
    if (!(await isExecutableFile(path))) continue;
    let output: string;
    try {
      output = (await runFile(path, ["--version"], { timeout: 10_000 })).stdout;
    } catch (cause) {
      throw new EnvironmentError(`${path} --version failed`, { hint: "Check the PostgreSQL client installation.", cause });
    }
    const parsed = parsePgToolVersion(output);
    if (!parsed) throw new EnvironmentError(`cannot read the version of ${path} from "${output.trim()}"`);
    return { name, path, ...parsed };
  }
  const where = env.DRYDOCK_PG_BIN ? `in DRYDOCK_PG_BIN (${env.DRYDOCK_PG_BIN})` : "on PATH";
  throw new EnvironmentError(
    `${name} not found: install the PostgreSQL client tools (e.g. apt install postgresql-client-${options.serverMajor ?? 16}) ` +
      "or rehearse on the embedded engine",
    { hint: `Looked ${where}. Set DRYDOCK_PG_BIN to the folder that holds ${name}, or rehearse without --url.` },
  );
}

/** Reads `pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)` as version "15.4", major 15. */
export function parsePgToolVersion(output: string): { version: string; major: number } | null {
  const match = /\(PostgreSQL\)\s+(\d+)([.\w]*)/.exec(output);
  return match?.[1] ? { version: `${match[1]}${match[2] ?? ""}`, major: Number(match[1]) } : null;
}

/**
 * Refuses a client program older than the server: pg_dump aborts on a newer server ("server
 * version mismatch"), and an older pg_restore may not read the archive a newer pg_dump writes.
 */
export function requirePgToolForServer(tool: PgTool, server: ServerVersion): void {
  if (tool.major >= server.major) return;
  throw new EnvironmentError(
    `${tool.name} ${tool.version} is older than the server (PostgreSQL ${server.text}): it cannot copy a newer server's database`,
    {
      hint: `Install the PostgreSQL ${server.major} client tools (e.g. apt install postgresql-client-${server.major}) and put them first on PATH, or set DRYDOCK_PG_BIN to their folder (${tool.path} is used now).`,
    },
  );
}

/**
 * The libpq variables that connect a client program to a target, built from the URL's parts:
 * the password travels in `PGPASSWORD`, so it is never on a command line (visible in `ps`).
 * `database` replaces the URL's database (the scratch copy's name for pg_restore).
 */
export function libpqEnvironment(
  target: ServerTarget,
  options: { database?: string; applicationName?: string } = {},
): Record<string, string> {
  const url = new URL(target.url);
  const params = url.searchParams;
  const env: Record<string, string> = {};
  // node-postgres reads a socket folder from ?host= and sslmode=no-verify, which libpq spells require.
  const host = params.get("host") ?? decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, "$1");
  const port = params.get("port") ?? url.port;
  const user = decodeURIComponent(url.username);
  const database = options.database ?? decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (host) env.PGHOST = host;
  if (port) env.PGPORT = port;
  if (user) env.PGUSER = user;
  if (database) env.PGDATABASE = database;
  if (target.password !== null) env.PGPASSWORD = target.password;
  const sslmode = params.get("sslmode") ?? (params.get("ssl") === "true" ? "require" : null);
  if (sslmode) env.PGSSLMODE = sslmode === "no-verify" ? "require" : sslmode;
  const passThrough: Record<string, string> = {
    sslrootcert: "PGSSLROOTCERT",
    sslcert: "PGSSLCERT",
    sslkey: "PGSSLKEY",
    options: "PGOPTIONS",
    connect_timeout: "PGCONNECT_TIMEOUT",
  };
  for (const [param, variable] of Object.entries(passThrough)) {
    const value = params.get(param);
    if (value) env[variable] = value;
  }
  env.PGAPPNAME = options.applicationName ?? "drydock";
  return env;
}

/**
 * The environment of a client program: the caller's, less the libpq variables that would send
 * it to another server than the URL names, plus the target's. Messages in English (`LC_MESSAGES=C`)
 * so that `hintForToolFailure` can read them.
 */
export function toolEnvironment(base: Environment, libpq: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of ["PGHOSTADDR", "PGSERVICE", "PGSERVICEFILE"]) delete env[name];
  return { ...env, ...libpq, LC_MESSAGES: "C" };
}

/**
 * Streams one program's standard output into another's standard input (`pg_dump -Fc |
 * pg_restore`) without a temporary file: pg_restore reads a custom-format archive from a pipe as
 * long as it runs without `--jobs`. When the reader fails, the writer is stopped, so a failed
 * restore stops reading the source. Throws an `EnvironmentError` naming the program that failed
 * first, with its stderr redacted of `secrets`.
 */
export async function pipePgTools(
  from: PgToolRun,
  to: PgToolRun,
  options: { secrets: readonly string[]; onBytes?: (total: number) => void },
): Promise<void> {
  const writer = spawn(from.tool.path, from.args, { env: from.env, stdio: ["ignore", "pipe", "pipe"] });
  const reader = spawn(to.tool.path, to.args, { env: to.env, stdio: ["pipe", "ignore", "pipe"] });
  let bytes = 0;
  writer.stdout.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    options.onBytes?.(bytes);
  });
  reader.stdin.on("error", () => undefined); // EPIPE when pg_restore stops first; its exit says why
  writer.stdout.pipe(reader.stdin);
  let writerDone = false;
  let writerStopped = false;
  writer.on("close", () => {
    writerDone = true;
  });
  const [written, read] = await Promise.all([
    waitForExit(writer),
    waitForExit(reader, () => {
      if (writerDone) return; // pg_dump failed first: pg_restore only saw the archive end early
      writerStopped = true;
      writer.kill("SIGTERM");
    }),
  ]);
  // pg_dump may fail and close its output before its own exit is seen: pg_restore then fails on
  // the short archive and stops it. pg_dump's own error message says it failed first.
  const writerFailed = written.code !== 0 && (!writerStopped || written.stderr.trim() !== "");
  const failed = writerFailed ? { run: from, exit: written } : read.code !== 0 ? { run: to, exit: read } : null;
  if (!failed) return;
  const stderr = redactSecrets(failed.exit.stderr, options.secrets);
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-4)
    .map((line) => line.slice(0, 400));
  const status = failed.exit.error ?? `exit ${failed.exit.code}`;
  throw new EnvironmentError(`${failed.run.tool.name} failed (${status}): ${lines.join(" | ") || "no message"}`, {
    hint: hintForToolFailure(stderr),
  });
}

/** What to do about the usual reasons pg_dump or pg_restore stop, read from their stderr. */
export function hintForToolFailure(stderr: string): string {
  if (/row-level security/i.test(stderr)) {
    return "pg_dump reads every row: the user needs BYPASSRLS (or to own the tables) on a database with row-level security.";
  }
  if (/permission denied|must be owner|must be superuser/i.test(stderr)) {
    return "The user needs SELECT on every table it copies and CREATEDB for the copy; use a more privileged user, or rehearse on the embedded engine.";
  }
  if (/version mismatch/i.test(stderr)) return "Use pg_dump and pg_restore of the server's major version or newer (DRYDOCK_PG_BIN).";
  if (/could not obtain lock|lock timeout/i.test(stderr)) {
    return "Another session holds a lock on a table pg_dump must read; try again when it is done.";
  }
  return "Run the same pg_dump | pg_restore by hand to see the whole output, or rehearse on the embedded engine.";
}

interface ExitStatus {
  code: number | null;
  stderr: string;
  error?: string;
}

/** Collects a child's stderr (the last 16 KiB) and its exit; `onFailure` runs when it exits non-zero. */
function waitForExit(child: ChildProcess, onFailure: () => void = () => undefined): Promise<ExitStatus> {
  return new Promise((resolve) => {
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-16_384);
    });
    child.on("error", (error) => {
      onFailure();
      resolve({ code: -1, stderr, error: error.message });
    });
    child.on("close", (code, signal) => {
      if (code !== 0) onFailure();
      resolve(signal ? { code: code ?? -1, stderr, error: `killed by ${signal}` } : { code, stderr });
    });
  });
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
