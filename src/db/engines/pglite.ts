import type { Extension, PGlite as PGliteType } from "@electric-sql/pglite";
import { EnvironmentError } from "../../errors/drydock-error.js";
import { type Engine, joinStatements, type Notice, resultsPerStatement } from "../engine.js";
import { isRawServerError, ServerError } from "../server-error.js";

/**
 * Extensions PGlite ships as loadable modules (`@electric-sql/pglite/contrib/<module>`), by the
 * name `CREATE EXTENSION` uses. An extension a migration creates must be handed to PGlite when
 * the database is opened; one missing here is reported before anything runs.
 */
const bundledExtensions: Record<string, string> = {
  amcheck: "amcheck",
  bloom: "bloom",
  btree_gin: "btree_gin",
  btree_gist: "btree_gist",
  citext: "citext",
  cube: "cube",
  dict_int: "dict_int",
  dict_xsyn: "dict_xsyn",
  earthdistance: "earthdistance",
  fuzzystrmatch: "fuzzystrmatch",
  hstore: "hstore",
  intarray: "intarray",
  isn: "isn",
  lo: "lo",
  ltree: "ltree",
  moddatetime: "moddatetime",
  pg_buffercache: "pg_buffercache",
  pg_trgm: "pg_trgm",
  pg_visibility: "pg_visibility",
  pgcrypto: "pgcrypto",
  seg: "seg",
  tablefunc: "tablefunc",
  tcn: "tcn",
  tsm_system_rows: "tsm_system_rows",
  tsm_system_time: "tsm_system_time",
  unaccent: "unaccent",
  "uuid-ossp": "uuid_ossp",
};

/** Extensions that are part of PGlite itself and need no module. */
const builtInExtensions = new Set(["plpgsql"]);

/** True when PGlite can provide the extension. */
export function pgliteSupportsExtension(name: string): boolean {
  return builtInExtensions.has(name) || name in bundledExtensions;
}

export interface OpenPgliteOptions {
  /** Folder that keeps the database; null for memory. */
  dataDir: string | null;
  urlRedacted: string;
  /** Extension names (`CREATE EXTENSION` spelling) to make available. */
  extensions?: readonly string[];
}

/**
 * Opens an embedded PostgreSQL (PGlite, WASM). Imported lazily: loading PGlite costs seconds,
 * which a run against a server must not pay.
 */
export async function openPgliteEngine(options: OpenPgliteOptions): Promise<Engine> {
  const missing = (options.extensions ?? []).filter((name) => !pgliteSupportsExtension(name));
  if (missing.length > 0) {
    throw new EnvironmentError(`the embedded engine (PGlite) has no extension ${missing.join(", ")}`, {
      hint: "Run against a PostgreSQL server that has it: --url postgres://… (or --engine postgres when rehearsing).",
    });
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const extensions: Record<string, Extension> = {};
  for (const name of options.extensions ?? []) {
    const moduleName = bundledExtensions[name];
    if (!moduleName) continue;
    const loaded = (await import(`@electric-sql/pglite/contrib/${moduleName}`)) as Record<string, Extension>;
    const extension = loaded[moduleName];
    if (extension) extensions[moduleName] = extension;
  }
  let db: PGliteType;
  try {
    db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions });
  } catch (cause) {
    throw new EnvironmentError(`cannot open the embedded database ${options.urlRedacted}: ${String(cause)}`, {
      hint: "Check that the folder is writable and not used by another process.",
      cause,
    });
  }
  const translate = (error: unknown): Error => (isRawServerError(error) ? new ServerError(error) : (error as Error));

  return {
    kind: "pglite",
    capabilities: { pgDump: false, concurrentSessions: false, countsCompletedStatements: false },
    urlRedacted: options.urlRedacted,
    async query<Row>(sql: string, params: unknown[] = []) {
      try {
        const result = await db.query<Row>(sql, params);
        return result.rows;
      } catch (error) {
        throw translate(error);
      }
    },
    async exec(sql: string) {
      const notices: Notice[] = [];
      try {
        await db.exec(sql, {
          onNotice: (notice) =>
            notices.push({
              severity: notice.severity ?? "NOTICE",
              message: notice.message ?? "",
              ...(notice.code ? { code: notice.code } : {}),
            }),
        });
        return notices;
      } catch (error) {
        throw translate(error);
      }
    },
    async queryEach<Row>(statements: readonly string[]) {
      if (statements.length === 0) return [];
      let results: Awaited<ReturnType<PGliteType["exec"]>>;
      try {
        results = await db.exec(joinStatements(statements));
      } catch (error) {
        throw translate(error);
      }
      return resultsPerStatement(statements, results).map((each) => each.rows as Row[]);
    },
    async close() {
      await db.close();
    },
  };
}
