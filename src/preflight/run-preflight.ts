import type { CheckResult } from "../model/check.js";
import { runCheckList } from "../verify/run-checks.js";
import type { PreflightCheck, PreflightContext } from "./preflight-check.js";
import { preflightChecks } from "./registry.js";

/** What `runPreflight` runs. */
export interface RunPreflightOptions {
  /** The checks to run, in order; default: every registered pre-flight check. */
  checks?: readonly PreflightCheck[];
}

/**
 * Runs the pre-flight checks in order and returns their results; nothing is changed. A check
 * the server refuses (a `ServerError`: a permission it lacks, a statement timeout) becomes a
 * `fail` naming the error, since an apply should not start on a database it could not look at,
 * and the next check runs. Any other exception (a lost connection, a drydock bug) propagates.
 * After a check throws, `ROLLBACK` is sent in case it left a transaction open (outside one
 * PostgreSQL only warns; session advisory locks survive it).
 */
export async function runPreflight(context: PreflightContext, options: RunPreflightOptions = {}): Promise<CheckResult[]> {
  return runCheckList(options.checks ?? preflightChecks, context);
}

/** True when a pre-flight result blocks the apply: any `fail` (a `warn` is reported and does not block). */
export function preflightBlocks(results: readonly CheckResult[]): boolean {
  return results.some((result) => result.status === "fail");
}
