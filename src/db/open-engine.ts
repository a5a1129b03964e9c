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
    const { openPgEngine } = await withNavigator(() => import("./engines/pg.js"));
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

/**
 * Runs `load` with a `navigator` global, as Node 21+ defines. node-postgres asks, while it loads,
 * whether it runs on Cloudflare Workers: without `navigator` it builds a `Response` to find out,
 * which on Node 20 loads Node's whole fetch implementation (~20 ms of every command that connects).
 */
async function withNavigator<T>(load: () => Promise<T>): Promise<T> {
  if ("navigator" in globalThis) return load();
  Object.defineProperty(globalThis, "navigator", { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true });
  try {
    return await load();
  } finally {
    Reflect.deleteProperty(globalThis, "navigator");
  }
}
