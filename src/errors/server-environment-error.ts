import { ServerError } from "../db/server-error.js";
import { EnvironmentError } from "./drydock-error.js";

/**
 * What to do about a server error that says something about the server, the connection or the
 * role rather than about drydock or the input, by SQLSTATE (exact code, else class).
 */
const environmentHints: [prefix: string, hint: string][] = [
  ["42501", "The role lacks a privilege this needs: grant it, or connect as a role that has it (--url, or the environment's url)."],
  ["25006", "The server is read-only (a standby, or default_transaction_read_only): connect to the primary."],
  ["3D000", "The database does not exist: check the URL, or create it."],
  ["55P03", "Another session holds a lock this needs: run drydock apply --verbose to see waits, or run again later."],
  ["57014", "A statement was cancelled (statement_timeout, or pg_cancel_backend by someone): run again, or raise the timeout."],
  ["40", "Another session conflicted with this one (serialization failure or deadlock): run the command again."],
  ["08", "The connection to the server failed or was lost: check the server, then run again (drydock status shows what was recorded)."],
  ["28", "The server refused the credentials: check the user and password of the URL."],
  ["53", "The server ran out of a resource (disk, memory, connections): free it, then run again."],
  ["57", "The server was shut down or is not accepting connections: wait for it, then run again."],
  ["58", "The server hit a system error (I/O): check its log, then run again."],
  ["XX", "The server failed internally: check its log, then run again."],
];

/**
 * A server error that escaped the command as an environment error (exit 3) with a hint, or null
 * when its SQLSTATE points at drydock itself (a query it got wrong: an internal error).
 */
export function serverEnvironmentError(error: unknown): EnvironmentError | null {
  if (!(error instanceof ServerError)) return null;
  const hint = environmentHints.find(([prefix]) => error.sqlstate.startsWith(prefix))?.[1];
  if (!hint) return null;
  return new EnvironmentError(`the server refused: ${error.message} (${error.codeLabel})`, { hint, cause: error });
}
