import { InputError } from "../../errors/drydock-error.js";
import type { HistoryReader } from "../history-reader.js";

/**
 * golang-migrate: `schema_migrations` in the current schema (`x-migrations-table` may name
 * another), created as `(version bigint not null primary key, dirty boolean not null)`. It holds
 * ONE row: the version the database is at. golang-migrate sets `dirty = true` before running a
 * migration and false after, so a dirty row is a migration that failed half-way (`migrate force`
 * clears it); no row at all is a database with nothing applied. Every migration up to the
 * version counts as applied. https://github.com/golang-migrate/migrate/blob/master/database/postgres/postgres.go
 */
export const golangMigrateReader: HistoryReader = {
  tool: "golang-migrate",
  matchBy: "version",
  defaultTables: [{ schema: null, name: "schema_migrations" }],
  columns: ["version", "dirty"],
  async read(engine, table) {
    const rows = await engine.query<{ version: string; dirty: boolean }>(
      `SELECT version::text AS version, dirty FROM ${table.sql} ORDER BY version DESC`,
    );
    if (rows.length > 1) {
      throw new InputError(`${table.display} has ${rows.length} rows; golang-migrate keeps exactly one, the current version`, {
        hint: "Something other than golang-migrate wrote to this table. Set the real version with `migrate force <version>` (it rewrites the table), then adopt again.",
      });
    }
    const [row] = rows;
    if (!row) return { entries: [], appliedThrough: null, unclean: [] };
    if (row.dirty) {
      return {
        entries: [],
        appliedThrough: null,
        unclean: [{ key: row.version, state: "dirty", detail: `version ${row.version} is dirty: the migration failed part-way` }],
      };
    }
    return {
      entries: [],
      appliedThrough: { entry: { key: row.version, label: null, appliedAt: null, appliedBy: null, checksum: null }, isFileRequired: true },
      unclean: [],
    };
  },
};
