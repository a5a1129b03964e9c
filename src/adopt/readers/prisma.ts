import type { HistoryReader } from "../history-reader.js";
import { isoTimestamp } from "../history-reader.js";
import type { ToolHistoryEntry, UncleanEntry } from "../tool-history.js";

interface PrismaRow {
  checksum: string;
  finished_at: Date | string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | string | null;
  started_at: Date | string | null;
}

/**
 * Prisma Migrate: `_prisma_migrations` in the schema of the datasource URL (`?schema=`, default
 * `public`), created as `(id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at
 * TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
 * started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`.
 * `migration_name` is the migration's folder; `checksum` the SHA-256 of its `migration.sql`.
 *
 * A name may have several rows: a failed attempt (`finished_at` NULL), marked `rolled_back_at`
 * by `prisma migrate resolve --rolled-back`, then a successful one. A migration counts as
 * applied when a row finished and was not rolled back. A row that neither finished nor was rolled
 * back is a failed migration, which `prisma migrate deploy` refuses to go past (P3009); a name
 * whose only rows were rolled back is not applied, and Prisma would run it again.
 * https://www.prisma.io/docs/orm/prisma-migrate/understanding-prisma-migrate/migration-histories
 */
export const prismaReader: HistoryReader = {
  tool: "prisma",
  matchBy: "folder",
  defaultTables: [{ schema: null, name: "_prisma_migrations" }],
  columns: ["id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count"],
  async read(engine, table) {
    const rows = await engine.query<PrismaRow>(
      `SELECT checksum::text AS checksum, finished_at, migration_name::text AS migration_name, logs, rolled_back_at, started_at
       FROM ${table.sql} ORDER BY started_at, migration_name`,
    );
    const byName = new Map<string, PrismaRow[]>();
    for (const row of rows) byName.set(row.migration_name, [...(byName.get(row.migration_name) ?? []), row]);
    const entries: ToolHistoryEntry[] = [];
    const unclean: UncleanEntry[] = [];
    for (const [name, attempts] of byName) {
      const failed = attempts.find((row) => row.finished_at === null && row.rolled_back_at === null);
      const applied = attempts.filter((row) => row.finished_at !== null && row.rolled_back_at === null).at(-1);
      if (failed) {
        const log = failed.logs?.trim().split("\n")[0];
        unclean.push({
          key: name,
          state: "failed",
          detail: `${name} started ${isoTimestamp(failed.started_at)} and never finished${log ? `: ${log}` : ""}`,
        });
      } else if (!applied) {
        const last = attempts.at(-1);
        unclean.push({ key: name, state: "rolled-back", detail: `${name} was marked rolled back ${isoTimestamp(last?.rolled_back_at)}` });
      } else {
        entries.push({ key: name, label: null, appliedAt: isoTimestamp(applied.finished_at), appliedBy: null, checksum: applied.checksum });
      }
    }
    return { entries, appliedThrough: null, unclean };
  },
};
