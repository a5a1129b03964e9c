import { type HistoryReader, isoTimestamp } from "../history-reader.js";

/**
 * node-pg-migrate: `pgmigrations` in schema `public` (`--migrations-schema`, `--migrations-table`
 * may name others), created as `(id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on
 * timestamp NOT NULL)`. One row per applied migration, written in the migration's transaction;
 * `name` is the file name without its extension (`1700000000000_create-users`), `run_on` is
 * `NOW()` stored without a time zone, read here in the session's time zone. No checksum.
 * https://salsita.github.io/node-pg-migrate/
 */
export const nodePgMigrateReader: HistoryReader = {
  tool: "node-pg-migrate",
  matchBy: "file-name",
  defaultTables: [{ schema: null, name: "pgmigrations" }],
  columns: ["id", "name", "run_on"],
  async read(engine, table) {
    const rows = await engine.query<{ name: string; run_on: Date | string | null }>(
      `SELECT name::text AS name, run_on::timestamptz AS run_on FROM ${table.sql} ORDER BY run_on, id`,
    );
    const seen = new Set<string>();
    const entries = [];
    for (const row of rows) {
      if (seen.has(row.name)) continue; // no unique constraint: keep the first run
      seen.add(row.name);
      entries.push({ key: row.name, label: null, appliedAt: isoTimestamp(row.run_on), appliedBy: null, checksum: null });
    }
    return { entries, appliedThrough: null, unclean: [] };
  },
};
