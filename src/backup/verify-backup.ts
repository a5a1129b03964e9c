import { access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import { type Engine, readServerVersion } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import type { Target } from "../db/target-url.js";
import { EnvironmentError } from "../errors/drydock-error.js";
import { type Environment, requirePgToolForServer, toolEnvironment } from "../rehearse/sandbox/pg-tools.js";
import { dropOnce, scratchDatabaseName, withDatabase } from "../rehearse/sandbox/sandbox-server.js";
import { createDatabase, readSource } from "../rehearse/sandbox/scratch-copy.js";
import { quoteIdent } from "../util/quote-ident.js";
import { findBackupTool, pgToolRun, requireBackupServer, runPgTool, secretsOf } from "./backup-tools.js";

/** What `pg_restore --list` read in a backup's table of contents. */
export interface BackupContents {
  /** Tables (`TABLE` entries) as `schema.table`, sorted; drydock's history included. */
  tables: string[];
  /** Tables whose rows the archive holds (`TABLE DATA` entries), sorted. */
  tables_with_data: string[];
  /** Every entry of the table of contents: schemas, tables, data, indexes, policies, functions… */
  entries: number;
  /**
   * The named objects it creates, as `backupObjectKey` spells them (`schema app`, `extension
   * pgcrypto`, `relation app.t`, `routine app.f(integer, text)`, `type app.mood`), sorted: what a
   * restore into a database leaves, the objects created since being the rest.
   */
  objects: string[];
  /** The database it was dumped from, from the archive's header; null when absent. */
  database: string | null;
  /** "Dumped from database version" of the header, e.g. "15.4". */
  server_version: string | null;
  /** "Dumped by pg_dump version" of the header. */
  pg_dump_version: string | null;
}

/** The outcome of a test restore: what was restored, and what differs from the source's counts. */
export interface RestoreTest {
  /** The scratch database it restored into, dropped since. */
  database: string;
  /** Tables of the restored database (`schema.table`), sorted. */
  tables: string[];
  /** Rows per table in the restored database. */
  rows: Record<string, number>;
  /** Each table whose count differs from the expected one, or that is missing on one side. */
  mismatches: string[];
  duration_ms: number;
}

/**
 * Reads a backup's table of contents with `pg_restore --list`: a file that is not a complete
 * custom-format archive, or that this pg_restore cannot read, fails here. Reads only the header
 * and the table of contents, not the data: a quick check, not a restore (see `verifyRestore`).
 * https://www.postgresql.org/docs/current/app-pgrestore.html
 */
export async function verifyBackup(file: string, options: { env?: Environment } = {}): Promise<BackupContents> {
  const path = resolve(file);
  await access(path, constants.R_OK).catch((cause: unknown) => {
    throw new EnvironmentError(`cannot read the backup ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, {
      hint: "Check the path and that this user may read it (backups are written with mode 0600).",
      cause,
    });
  });
  const env = options.env ?? process.env;
  const restore = await findBackupTool("pg_restore", env);
  const list = await runPgTool(
    { tool: restore, args: ["--list", path], env: toolEnvironment(env, {}) },
    { what: `the backup ${path} is unreadable`, secrets: [] },
  );
  return parseBackupList(list);
}

/**
 * Reads the output of `pg_restore --list`: a header of `;` comments, then one line per entry,
 * `<dump id>; <catalog oid> <oid> <kind> <schema> <name> <owner>`. Names are printed unquoted,
 * so a name with spaces is read up to the owner, the last word.
 */
export function parseBackupList(list: string): BackupContents {
  const tables = new Set<string>();
  const withData = new Set<string>();
  const objects = new Set<string>();
  let entries = 0;
  const header = (label: string) => new RegExp(`^;\\s+${label}:\\s*(.+?)\\s*$`, "m").exec(list)?.[1] ?? null;
  for (const line of list.split("\n")) {
    const entry = /^\d+;\s+(\d+)\s+\d+\s+(.*)$/.exec(line.trimEnd());
    if (!entry?.[2]) continue;
    entries += 1;
    const rest = entry[2];
    const object = objectOfEntry(Number(entry[1]), rest);
    if (object) objects.add(object);
    const data = /^TABLE DATA (\S+) (.+) \S*$/.exec(rest);
    if (data) {
      withData.add(`${data[1]}.${data[2]}`);
      continue;
    }
    const table = /^TABLE (\S+) (.+) \S*$/.exec(rest);
    if (table) tables.add(`${table[1]}.${table[2]}`);
  }
  return {
    tables: [...tables].sort(),
    tables_with_data: [...withData].sort(),
    entries,
    objects: [...objects].sort(),
    database: header("dbname"),
    server_version: header("Dumped from database version")?.split(" ")[0] ?? null,
    pg_dump_version: header("Dumped by pg_dump version")?.split(" ")[0] ?? null,
  };
}

/**
 * Proves a backup restores: `pg_restore` into a scratch database `drydock_rehearsal_…` on the
 * server of `serverTarget` (made like the target: encoding, locale, owner), then `count(*)` of
 * every table, compared with `expectedRowCounts` (`countRows` of the source just before the
 * dump: rows written in between show as mismatches). The scratch database is dropped whatever
 * happens; one left by a killed process is dropped by `dropLeftoverScratchDatabases`. As a user
 * that is not a superuser, it restores with `--no-owner --no-privileges` (the counts are the same).
 */
export async function verifyRestore(
  file: string,
  serverTarget: Target,
  options: { expectedRowCounts?: ReadonlyMap<string, number>; env?: Environment } = {},
): Promise<RestoreTest> {
  const started = performance.now();
  const server = requireBackupServer(serverTarget);
  const env = options.env ?? process.env;
  const path = resolve(file);
  const admin = await openEngine(server, { applicationName: "drydock backup" });
  try {
    const version = await readServerVersion(admin);
    const restore = await findBackupTool("pg_restore", env, version);
    requirePgToolForServer(restore, version);
    await verifyBackup(path, { env });
    const source = await readSource(admin);
    const name = scratchDatabaseName("drydock_rehearsal");
    const drop = dropOnce(server, name, version);
    let tested: RestoreTest;
    try {
      await createDatabase(admin, name, source);
      const args = ["--exit-on-error", "--no-password", `--dbname=${name}`];
      if (!source.is_superuser) args.push("--no-owner", "--no-privileges");
      args.push(path);
      const scratch = withDatabase(server, name);
      await runPgTool(pgToolRun(restore, args, scratch, env, "drydock backup"), {
        what: `restoring ${path} into the scratch database ${name}`,
        secrets: secretsOf(server),
      });
      const engine = await openEngine(scratch, { applicationName: "drydock backup" });
      let counts: Map<string, number>;
      try {
        counts = await countRows(engine);
      } finally {
        await engine.close();
      }
      tested = {
        database: name,
        tables: [...counts.keys()],
        rows: Object.fromEntries(counts),
        mismatches: options.expectedRowCounts ? compareRowCounts(options.expectedRowCounts, counts) : [],
        duration_ms: 0,
      };
    } catch (error) {
      await drop().catch(() => undefined); // the restore's failure is the one to report
      throw error;
    }
    await drop().catch((cause: unknown) => {
      throw new EnvironmentError(`the scratch database ${name} could not be dropped after the restore test`, {
        hint: `Drop it by hand: DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`,
        cause,
      });
    });
    return { ...tested, duration_ms: Math.round(performance.now() - started) };
  } finally {
    await admin.close();
  }
}

/**
 * `count(*)` of every ordinary table (partitions included, partitioned parents and foreign
 * tables not: their rows are counted in their partitions, or live elsewhere) outside
 * PostgreSQL's own schemas, drydock's history included, keyed `schema.table` and sorted. All
 * counts come from one read-only repeatable-read snapshot, with `row_security = off`: a table
 * whose policies would hide rows from this user fails the count instead of counting less.
 */
export async function countRows(engine: Engine): Promise<Map<string, number>> {
  await engine.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL row_security = off");
  try {
    const tables = await engine.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname !~ '^(pg_catalog|information_schema|pg_toast.*|pg_temp_.*)$'
       ORDER BY n.nspname, c.relname`, // type name sorts bytewise ("C")
    );
    const counts = new Map<string, number>();
    for (const { schema, name } of tables) {
      const [row] = await engine.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${quoteIdent(schema)}.${quoteIdent(name)}`);
      counts.set(`${schema}.${name}`, Number(row?.rows ?? 0));
    }
    await engine.exec("COMMIT");
    return counts;
  } catch (error) {
    await engine.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** One line per table whose rows differ, is missing from the restore, or was not in the source. */
function compareRowCounts(expected: ReadonlyMap<string, number>, restored: ReadonlyMap<string, number>): string[] {
  const mismatches: string[] = [];
  for (const [table, rows] of expected) {
    const got = restored.get(table);
    if (got === undefined) mismatches.push(`${table}: ${rows} rows in the source, missing from the restore`);
    else if (got !== rows) mismatches.push(`${table}: ${rows} rows in the source, ${got} restored`);
  }
  for (const [table, rows] of restored) {
    if (!expected.has(table)) mismatches.push(`${table}: restored with ${rows} rows, not in the source`);
  }
  return mismatches;
}

/** The system catalogs whose rows a dump's named objects are, by OID (stable across versions). */
const catalogKinds: Record<number, BackupObjectKind> = {
  2615: "schema", // pg_namespace
  3079: "extension", // pg_extension
  1259: "relation", // pg_class: tables, views, materialized views, sequences, foreign tables
  1255: "routine", // pg_proc: functions, procedures, aggregates
  1247: "type", // pg_type: enums, composite types, domains, ranges
};

export type BackupObjectKind = "schema" | "extension" | "relation" | "routine" | "type";

/** How a restore names an object to compare a backup's with a database's: `relation app.t`, `schema app`. */
export function backupObjectKey(kind: BackupObjectKind, schema: string | null, name: string): string {
  return schema === null ? `${kind} ${name}` : `${kind} ${schema}.${name}`;
}

/**
 * The object a table-of-contents entry creates, or null for entries that create none of their
 * own (data, comments, ACLs, constraints, indexes: they go with their table). `rest` is
 * `<KIND> <schema> <name> <owner>`; a routine's name carries its argument types.
 */
function objectOfEntry(catalog: number, rest: string): string | null {
  const kind = catalogKinds[catalog];
  if (!kind) return null;
  if (kind === "schema" || kind === "extension") {
    const bare = /^(?:SCHEMA|EXTENSION) - (\S+)/.exec(rest);
    return bare?.[1] ? backupObjectKey(kind, null, bare[1]) : null;
  }
  const named = /^(?:MATERIALIZED VIEW|FOREIGN TABLE|TABLE|VIEW|SEQUENCE|FUNCTION|PROCEDURE|AGGREGATE|TYPE|DOMAIN) (\S+) (.+) \S*$/.exec(
    rest,
  );
  return named?.[1] && named[2] ? backupObjectKey(kind, named[1], named[2]) : null;
}
