import type { Engine } from "./engine.js";
import { openPgEngine } from "./engines/pg.js";
import { openPgliteEngine } from "./engines/pglite.js";
import type { Target } from "./target-url.js";

export interface OpenEngineOptions {
  /** Extensions the migrations create; PGlite must load them when it opens. */
  extensions?: readonly string[];
  applicationName?: string;
}

/** Opens a session on a target, with the engine its URL names. */
export function openEngine(target: Target, options: OpenEngineOptions = {}): Promise<Engine> {
  if (target.engine === "postgres") {
    return openPgEngine({
      url: target.url,
      urlRedacted: target.urlRedacted,
      password: target.password,
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    });
  }
  return openPgliteEngine({
    dataDir: target.dataDir,
    urlRedacted: target.urlRedacted,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  });
}
