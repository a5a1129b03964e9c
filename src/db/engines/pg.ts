import pg from "pg";
import { EnvironmentError } from "../../errors/drydock-error.js";
import { redactSecrets } from "../../util/redact-url.js";
import { type Engine, joinStatements, type Notice, resultsPerStatement } from "../engine.js";
import { isRawServerError, ServerError } from "../server-error.js";

export interface OpenPgOptions {
  url: string;
  urlRedacted: string;
  password: string | null;
  /** Shown in pg_stat_activity, so another session can tell who holds a lock. */
  applicationName?: string;
  connectTimeoutMs?: number;
}

/**
 * A simple query that counts the CommandComplete (and EmptyQueryResponse) messages PostgreSQL
 * sends, one per finished statement: when an ErrorResponse follows, the count is the index of
 * the statement that failed.
 */
class StatementCountingQuery extends pg.Query {
  private completed = 0;

  handleCommandComplete(message: unknown, connection: unknown): void {
    this.completed++;
    (pg.Query.prototype as unknown as QueryHandlers).handleCommandComplete.call(this, message, connection);
  }

  handleEmptyQuery(connection: unknown): void {
    this.completed++;
    (pg.Query.prototype as unknown as QueryHandlers).handleEmptyQuery.call(this, connection);
  }

  handleError(error: Error & { completedStatements?: number }, connection: unknown): void {
    error.completedStatements ??= this.completed;
    (pg.Query.prototype as unknown as QueryHandlers).handleError.call(this, error, connection);
  }
}

/** node-postgres' Query message handlers, which its type declarations do not list. */
interface QueryHandlers {
  handleCommandComplete(message: unknown, connection: unknown): void;
  handleEmptyQuery(connection: unknown): void;
  handleError(error: Error, connection: unknown): void;
}

/** Opens one session on a PostgreSQL server through node-postgres. */
export async function openPgEngine(options: OpenPgOptions): Promise<Engine> {
  const secrets = options.password ? [options.password, encodeURIComponent(options.password)] : [];
  const client = new pg.Client({
    connectionString: options.url,
    application_name: (options.applicationName ?? "drydock").slice(0, 63),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  let lostConnection: Error | null = null;
  client.on("error", (error) => {
    lostConnection = error; // reported by the next call; without a listener node would crash
  });
  const notices: Notice[] = [];
  client.on("notice", (message) => {
    notices.push({
      severity: message.severity ?? "NOTICE",
      message: redactSecrets(message.message ?? "", secrets),
      ...(message.code ? { code: message.code } : {}),
    });
  });
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    const reason = redactSecrets(cause instanceof Error ? cause.message : String(cause), secrets);
    throw new EnvironmentError(`cannot connect to ${options.urlRedacted}: ${reason}`, {
      hint: "Check that the server is running and that the URL (--url, the env's url, or DATABASE_URL) is right.",
    });
  }

  const translate = (error: unknown): Error => {
    if (isRawServerError(error)) return new ServerError(error, secrets);
    const reason = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    return new EnvironmentError(`lost the connection to ${options.urlRedacted}: ${reason}`, {
      hint: "The server closed the session (restart, crash or terminated backend). Run the command again; history is consistent.",
    });
  };

  return {
    kind: "postgres",
    capabilities: { pgDump: true, concurrentSessions: true, countsCompletedStatements: true },
    urlRedacted: options.urlRedacted,
    async query<Row>(sql: string, params: unknown[] = []) {
      if (lostConnection) throw translate(lostConnection);
      try {
        const result = await client.query(sql, params);
        return result.rows as Row[];
      } catch (error) {
        throw translate(error);
      }
    },
    async exec(sql: string) {
      if (lostConnection) throw translate(lostConnection);
      notices.length = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          client.query(new StatementCountingQuery(sql, undefined, (error: Error | undefined) => (error ? reject(error) : resolve())));
        });
        return notices.splice(0);
      } catch (error) {
        notices.length = 0;
        throw translate(error);
      }
    },
    async queryEach<Row>(statements: readonly string[]) {
      if (statements.length === 0) return [];
      if (lostConnection) throw translate(lostConnection);
      let result: pg.QueryResult | pg.QueryResult[];
      try {
        // Without parameters node-postgres sends a simple query, which may hold several statements.
        result = (await client.query(joinStatements(statements))) as pg.QueryResult | pg.QueryResult[];
      } catch (error) {
        throw translate(error);
      }
      return resultsPerStatement(statements, Array.isArray(result) ? result : [result]).map((each) => each.rows as Row[]);
    },
    openSibling: () => openPgEngine(options),
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
