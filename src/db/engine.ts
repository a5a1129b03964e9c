/** A message PostgreSQL sent while running a statement (NOTICE, WARNING, INFO…). */
export interface Notice {
  severity: string;
  message: string;
  code?: string;
}

/** What an engine can and cannot do; a missing capability becomes a named limitation. */
export interface EngineCapabilities {
  /** `pg_dump`/`pg_restore` can read this database (PGlite has no server process for them). */
  pgDump: boolean;
  /** Other sessions can connect at the same time (PGlite is a single session). */
  concurrentSessions: boolean;
  /**
   * A failed multi-statement `exec` says how many statements completed before the error
   * (`ServerError.completedStatements`), so a script can be sent in one round trip and its
   * failure still pinned to a statement.
   */
  countsCompletedStatements: boolean;
}

/**
 * One session on one database. Code outside `db/` sees this, never `pg` or PGlite. Every
 * method runs on the same session, so `BEGIN`, `SET LOCAL` and session advisory locks behave
 * as they do in psql.
 */
export interface Engine {
  readonly kind: "postgres" | "pglite";
  readonly capabilities: EngineCapabilities;
  /** The target URL with its password hidden, for messages and reports. */
  readonly urlRedacted: string;
  /** Runs one statement with parameters (extended protocol) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs one or more statements without parameters (simple protocol); returns the notices. */
  exec(sql: string): Promise<Notice[]>;
  /**
   * Runs several queries without parameters in one round trip (simple protocol) and returns the
   * rows of each, in order. As with `exec`, they form one transaction unless the session is in
   * one already, the first failure stops the rest, and since PostgreSQL 13 each has its own
   * `statement_timeout`. Each must be a single statement.
   */
  queryEach<Row = Record<string, unknown>>(statements: readonly string[]): Promise<Row[][]>;
  /**
   * Opens another session on the same database, as the same role and with the same
   * application_name; the caller closes it. Absent on an engine that has one session only
   * (PGlite). A new session sees only what is committed: it cannot read this session's open
   * transaction.
   */
  openSibling?(): Promise<Engine>;
  close(): Promise<void>;
}

/** The server version as PostgreSQL reports it: `server_version_num` and the readable form. */
export interface ServerVersion {
  num: number;
  major: number;
  text: string;
}

/** Reads the server version of an engine's session. */
export async function readServerVersion(engine: Engine): Promise<ServerVersion> {
  const [row] = await engine.query<{ num: string; text: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  return serverVersionOf(row);
}

/** A server version from `server_version_num` and `server_version` as read (text, absent when unread). */
export function serverVersionOf(row: { num: string; text: string } | undefined): ServerVersion {
  const num = Number(row?.num ?? 0);
  return { num, major: Math.floor(num / 10000), text: row?.text ?? "unknown" };
}

/**
 * The statements of `Engine.queryEach` as one query string. A newline before each separator
 * ends a trailing line comment.
 */
export function joinStatements(statements: readonly string[]): string {
  return statements.join("\n;\n");
}

/** Checks that a batch returned one result per statement: a statement that held two would shift every later result. */
export function resultsPerStatement<Result>(statements: readonly string[], results: readonly Result[]): readonly Result[] {
  if (results.length !== statements.length) {
    throw new Error(`${statements.length} statements returned ${results.length} results: each query of a batch must be one statement`);
  }
  return results;
}
