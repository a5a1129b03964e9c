import type { HistoryReader } from "../history-reader.js";

/**
 * Supabase CLI (`supabase db push`, `supabase migration up`): `supabase_migrations.schema_migrations`,
 * created as `(version text NOT NULL PRIMARY KEY)` and then given `statements text[]` and
 * `name text` (the Supabase platform adds `created_by text` and `idempotency_key text`). One row
 * per applied migration; `version` is the digits before the first `_` of the file name. No time
 * and no checksum are kept, and the CLI records a row only after its migration succeeded, so
 * every row is cleanly applied. https://supabase.com/docs/reference/cli/supabase-migration-list
 */
export const supabaseReader: HistoryReader = {
  tool: "supabase",
  matchBy: "version",
  defaultTables: [{ schema: "supabase_migrations", name: "schema_migrations" }],
  columns: ["version"],
  async read(engine, table) {
    const name = table.columns.has("name") ? "name::text" : "NULL::text";
    const createdBy = table.columns.has("created_by") ? "created_by::text" : "NULL::text";
    const rows = await engine.query<{ version: string; name: string | null; created_by: string | null }>(
      `SELECT version::text AS version, ${name} AS name, ${createdBy} AS created_by FROM ${table.sql} ORDER BY version`,
    );
    return {
      entries: rows.map((row) => ({
        key: row.version,
        label: row.name || null,
        appliedAt: null,
        appliedBy: row.created_by || null,
        checksum: null,
      })),
      appliedThrough: null,
      unclean: [],
    };
  },
};
