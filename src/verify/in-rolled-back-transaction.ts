import type { Engine } from "../db/engine.js";

/** How `inRolledBackTransaction` opens its transaction. */
export interface RolledBackTransactionOptions {
  /** BEGIN READ ONLY: the server refuses any write, even to a temporary table. */
  readOnly?: boolean;
}

/**
 * Runs `body` inside a transaction that is always rolled back, whatever `body` does or
 * throws. The rollback also undoes `SET LOCAL` and `set_config(…, true)`, including
 * `SET LOCAL ROLE`, so the session leaves as it came. A failed statement aborts the
 * transaction: `body` must use a savepoint to go on after one.
 */
export async function inRolledBackTransaction<T>(
  engine: Engine,
  body: () => Promise<T>,
  options: RolledBackTransactionOptions = {},
): Promise<T> {
  await engine.exec(options.readOnly ? "BEGIN READ ONLY" : "BEGIN");
  try {
    return await body();
  } finally {
    await engine.exec("ROLLBACK");
  }
}
