import type { Engine } from "../db/engine.js";
import { ServerError } from "../db/server-error.js";
import type { CheckResult } from "../model/check.js";
import type { Check, VerifyContext } from "./check.js";
import { checks as registeredChecks } from "./registry.js";

/** What `runChecks` runs. */
export interface RunChecksOptions {
  /** The checks to run, in order; default: every registered check. */
  checks?: readonly Check[];
}

/**
 * Runs the verification checks in order and returns their results. A check the server refuses
 * (a `ServerError`: a permission it lacks, a statement timeout) becomes a `fail` result naming
 * the error, and the next check runs. Any other exception (a lost connection, a drydock bug)
 * propagates. After a check throws, `ROLLBACK` is sent in case it left a transaction open (it
 * also resets a `SET LOCAL ROLE`); outside a transaction PostgreSQL only warns.
 */
export async function runChecks(context: VerifyContext, options: RunChecksOptions = {}): Promise<CheckResult[]> {
  return runCheckList(options.checks ?? registeredChecks, context);
}

/** Anything run like a check: an id and a read-only function of a context holding the session. */
export interface RunnableCheck<Context> {
  id: string;
  run(context: Context): Promise<CheckResult>;
}

/**
 * Runs checks in order (the verification suite, the pre-flight items): a `ServerError` becomes
 * that check's `fail` and the next one runs; any other exception propagates. After a check
 * throws, `ROLLBACK` is sent in case it left a transaction open.
 */
export async function runCheckList<Context extends { engine: Engine }>(
  checks: readonly RunnableCheck<Context>[],
  context: Context,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push(await check.run(context));
    } catch (error) {
      await context.engine.exec("ROLLBACK").catch((rollbackError: unknown) => {
        if (error instanceof ServerError) throw rollbackError; // the session is gone: say so
      });
      if (!(error instanceof ServerError)) throw error;
      results.push({
        id: check.id,
        status: "fail",
        summary: `could not run: ${error.message} (${error.codeLabel})`,
        observed: { error: { sqlstate: error.sqlstate, message: error.message } },
        details: [`${error.codeLabel}: ${error.message}`, ...(error.hint ? [`hint: ${error.hint}`] : [])],
      });
    }
  }
  return results;
}
