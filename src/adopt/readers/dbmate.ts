import type { HistoryReader } from "../history-reader.js";

/**
 * dbmate: `schema_migrations`, created as `(version varchar(255) primary key)` in the schema of
 * the URL's `search_path` (else the current schema; `--migrations-table` may name another). One
 * row per applied migration; `version` is the leading digits of the file name. dbmate writes the
 * row in the migration's own transaction and keeps no time or checksum, so every row is cleanly
 * applied. A same-named table with a `dirty` column is golang-migrate's, and Supabase's own
 * `supabase_migrations.schema_migrations` is not dbmate's. https://github.com/amacneil/dbmate
 */
export const dbmateReader: HistoryReader = {
  tool: "dbmate",
  matchBy: "version",
  defaultTables: [{ schema: null, name: "schema_migrations" }],
  columns: ["version"],
  foreignColumns: ["dirty"],
  skipSchemas: ["supabase_migrations"],
  async read(engine, table) {
    const rows = await engine.query<{ version: string }>(`SELECT version::text AS version FROM ${table.sql} ORDER BY version`);
    return {
      entries: rows.map((row) => ({ key: row.version, label: null, appliedAt: null, appliedBy: null, checksum: null })),
      appliedThrough: null,
      unclean: [],
    };
  },
};
