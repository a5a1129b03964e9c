import { resolve } from "node:path";
import { InputError } from "../errors/drydock-error.js";
import { redactUrl } from "../util/redact-url.js";

/** A database named by URL (SPEC §2). */
export type Target =
  | { engine: "postgres"; url: string; urlRedacted: string; password: string | null }
  | { engine: "pglite"; dataDir: string | null; urlRedacted: string };

/**
 * Parses a target URL: `postgres://…`/`postgresql://…` for a server, `pglite:memory` for an
 * in-memory embedded database, `pglite:<dir>` for one persisted in a folder (relative paths
 * resolve against `baseDir`).
 */
export function parseTargetUrl(url: string, baseDir: string = process.cwd()): Target {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch (cause) {
      throw new InputError(`the database URL ${redactUrl(trimmed)} is not a valid URL`, {
        hint: "Write it as postgres://user:password@host:5432/database",
        cause,
      });
    }
    const password = parsed.password ? decodeURIComponent(parsed.password) : null;
    return { engine: "postgres", url: trimmed, urlRedacted: redactUrl(trimmed), password };
  }
  if (/^pglite:/i.test(trimmed)) {
    const location = trimmed.slice("pglite:".length);
    if (location === "") {
      throw new InputError("the URL pglite: names no database", {
        hint: "Use pglite:memory for an in-memory database or pglite:./path for one kept in a folder",
      });
    }
    if (location === "memory" || location === "//memory") {
      return { engine: "pglite", dataDir: null, urlRedacted: "pglite:memory" };
    }
    return { engine: "pglite", dataDir: resolve(baseDir, location), urlRedacted: trimmed };
  }
  throw new InputError(`unsupported database URL ${redactUrl(trimmed)}`, {
    hint: "Use postgres://user@host:5432/db for a server, pglite:memory or pglite:./dir for the embedded engine",
  });
}
