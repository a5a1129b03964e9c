import { blockingSessions } from "./checks/blocking-sessions.js";
import { checksums } from "./checks/checksums.js";
import { connection } from "./checks/connection.js";
import { extensions } from "./checks/extensions.js";
import { history } from "./checks/history.js";
import { longTransactions } from "./checks/long-transactions.js";
import { privileges } from "./checks/privileges.js";
import { replicationLag } from "./checks/replication-lag.js";
import { searchPath } from "./checks/search-path.js";
import type { PreflightCheck } from "./preflight-check.js";

/**
 * Every pre-flight check (SPEC §7 Apply step 1), the one list, in the order a report shows
 * them: the connection, what the server must offer and where names resolve, who else is on
 * the database, then the history. A meta-test ties each id to its file, its test and its section of docs/preflight.md.
 */
export const preflightChecks: readonly PreflightCheck[] = [
  connection,
  extensions,
  privileges,
  searchPath,
  blockingSessions,
  longTransactions,
  replicationLag,
  checksums,
  history,
];

/**
 * Pre-flight checks whose failure is the environment's (SPEC §4 exit 3: cannot connect to a
 * writable primary, an extension the server lacks, permission denied), not a "not now": the
 * others fail on sessions, transactions, replicas or the history, and mean exit 1.
 */
export const environmentCheckIds: ReadonlySet<string> = new Set([connection.id, extensions.id, privileges.id]);
