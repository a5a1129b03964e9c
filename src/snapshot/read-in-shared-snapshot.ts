import type { Engine } from "../db/engine.js";
import { quoteLiteral } from "../util/quote-ident.js";

/**
 * Runs `read` on the engine's session and on up to `siblings` more sessions that all see one
 * consistent state of the database, as `pg_dump -j` does: the engine's session starts a
 * REPEATABLE READ transaction and exports its snapshot (`pg_export_snapshot`), and each sibling
 * (`Engine.openSibling`) imports it with `SET TRANSACTION SNAPSHOT` before its first read, so a
 * commit made meanwhile is seen by none of them. `read` runs once per session, with the
 * session's index (0 for the engine's, 1… for the siblings): on the engine's at once, on each
 * sibling as soon as it has joined. Siblings are closed and the engine's transaction ended
 * before this returns; the first failure of `read` is rethrown.
 *
 * The engine's session reads alone, outside a transaction, without `openSibling` (PGlite) or
 * when the snapshot cannot be exported; a sibling that cannot connect or join is left out. An
 * engine inside a transaction also reads alone, in that transaction, which stays open: other
 * sessions could not see its uncommitted changes. Catalog functions such as `pg_get_indexdef`
 * read the catalog as it is when they run, not as of the snapshot (pg_dump has the same limit).
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION
 */
export async function readInSharedSnapshot(
  engine: Engine,
  siblings: number,
  read: (session: Engine, sessionIndex: number) => Promise<void>,
): Promise<void> {
  const openSibling = engine.openSibling?.bind(engine);
  // Connecting costs a round trip or more (authentication); it overlaps the export.
  const opening = openSibling ? Array.from({ length: siblings }, () => openSibling().catch(() => null)) : [];
  try {
    const snapshotId = opening.length > 0 ? await exportSnapshot(engine) : null;
    if (snapshotId === null) return await read(engine, 0);
    let failure: { error: unknown } | null = null;
    try {
      const joinAndRead = async (sibling: Engine | null, sessionIndex: number): Promise<void> => {
        if (sibling && (await joinSnapshot(sibling, snapshotId))) await read(sibling, sessionIndex);
      };
      const outcomes = await Promise.allSettled([
        read(engine, 0),
        ...opening.map(async (session, index) => joinAndRead(await session, index + 1)),
      ]);
      const rejected = outcomes.find((outcome) => outcome.status === "rejected");
      if (rejected) failure = { error: rejected.reason };
    } finally {
      await engine.exec(failure ? "ROLLBACK" : "COMMIT").catch((error: unknown) => {
        failure ??= { error };
      });
    }
    if (failure) throw failure.error;
  } finally {
    await Promise.all(opening.map(async (session) => (await session)?.close()));
  }
}

/**
 * Starts the engine's REPEATABLE READ transaction and exports its snapshot, or returns null (and
 * leaves the session as it was) when it cannot.
 */
async function exportSnapshot(engine: Engine): Promise<string | null> {
  // A plain BEGIN inside a transaction only warns (25001 active_sql_transaction); the isolation
  // level is set apart, because setting it after a transaction's first query is an error that
  // would abort the caller's transaction. That transaction's uncommitted changes are for its
  // session alone, and ending it is not ours to do.
  const notices = await engine.exec("BEGIN");
  if (notices.some((notice) => notice.code === "25001")) return null;
  try {
    await engine.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const [row] = await engine.query<{ id: string }>("SELECT pg_catalog.pg_export_snapshot() AS id");
    if (row) return row.id;
  } catch {
    // Where no snapshot can be exported, the engine's session reads alone.
  }
  await engine.exec("ROLLBACK");
  return null;
}

/** Starts a sibling's transaction on the exported snapshot; false when the sibling cannot use it. */
async function joinSnapshot(sibling: Engine, snapshotId: string): Promise<boolean> {
  try {
    await sibling.exec(`BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshotId)}`);
    return true;
  } catch {
    return false;
  }
}
