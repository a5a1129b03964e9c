import type { Engine } from "./engine.js";
import type { Target } from "./target-url.js";

export interface OpenEngineOptions {
  /** Extensions the migrations create; PGlite must load them when it opens. */
  extensions?: readonly string[];
  applicationName?: string;
}

/**
 * Opens a session on a target, with the engine its URL names. Each engine's driver is loaded
 * only when it is used: a command that never connects (a plan from files) does not pay for it.
 */
export async function openEngine(target: Target, options: OpenEngineOptions = {}): Promise<Engine> {
  if (target.engine === "postgres") {
    const { openPgEngine } = await import("./engines/pg.js");
    return openPgEngine({
      url: target.url,
      urlRedacted: target.urlRedacted,
      password: target.password,
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    });
  }
  const { openPgliteEngine } = await import("./engines/pglite.js");
  return openPgliteEngine({
    dataDir: target.dataDir,
    urlRedacted: target.urlRedacted,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  });
}
