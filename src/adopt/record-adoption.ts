import type { Engine } from "../db/engine.js";
import { recordUnrunMigrationSql } from "../db/history.js";
import type { Migration } from "../model/migration.js";
import { quoteLiteral } from "../util/quote-ident.js";

/** A migration to record as applied, with what the tool knew of it. */
export interface AdoptionRow {
  migration: Migration;
  /** When the tool applied it (ISO 8601); null when the tool keeps no time. */
  appliedAt: string | null;
  appliedBy: string;
}

/** Rows per round trip: a langfuse-sized history (434 migrations) takes a few. */
const batchSize = 200;

/**
 * Records adopted migrations in `drydock.migrations`, in the caller's transaction and run: the
 * file's checksum (so `status` shows them applied), duration 0 (drydock did not run them), and
 * the tool's `applied_at`. A row without a known time gets the adoption's transaction time, less
 * one microsecond per later row, so the history keeps the apply order (`rollback --steps` reads it).
 */
export async function recordAdoption(engine: Engine, rows: readonly AdoptionRow[], runId: number): Promise<void> {
  const statements = rows.flatMap(({ migration, appliedAt, appliedBy }, index) => {
    const version = quoteLiteral(migration.version);
    const when = appliedAt ? `${quoteLiteral(appliedAt)}::timestamptz` : `now() - interval '1 microsecond' * ${rows.length - index}`;
    return [
      recordUnrunMigrationSql(migration, appliedBy, runId),
      `UPDATE drydock.migrations SET applied_at = ${when} WHERE version = ${version}`,
    ];
  });
  for (let start = 0; start < statements.length; start += batchSize * 2) {
    await engine.exec(statements.slice(start, start + batchSize * 2).join(";\n"));
  }
}
