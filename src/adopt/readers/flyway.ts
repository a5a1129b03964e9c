import type { HistoryReader } from "../history-reader.js";
import { isoTimestamp } from "../history-reader.js";
import type { AppliedThrough, ToolHistoryEntry, UncleanEntry } from "../tool-history.js";

interface FlywayRow {
  installed_rank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installed_by: string;
  installed_on: Date | string | null;
  success: boolean;
}

/**
 * Flyway: `flyway_schema_history` (`schema_version` before Flyway 5) in the first schema of
 * `flyway.schemas`, else the connection's default schema; `flyway.table` may rename it. Flyway
 * creates it on PostgreSQL as `(installed_rank INT NOT NULL, version VARCHAR(50), description
 * VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum
 * INTEGER, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
 * execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL)`, primary key `installed_rank`.
 *
 * Rows are replayed in `installed_rank` order: a versioned row (`version` set) applies that
 * version; a repeatable (`version` NULL, script `R__<desc>.sql`) applies its latest checksum;
 * `BASELINE`/`SQL_BASELINE` mark every version up to theirs as applied without rows of their own;
 * `UNDO_*` and `DELETE` (Flyway's repair of a missing migration) take a version back; `SCHEMA`
 * and `TABLE` are Flyway's own bookkeeping. `success = false` is a failed migration, which Flyway
 * itself refuses to migrate past until `flyway repair`. `checksum` is Flyway's CRC32 of the
 * script (see `tool-checksums.ts`). https://documentation.red-gate.com/fd/flyway-schema-history-table-273973417.html
 */
export const flywayReader: HistoryReader = {
  tool: "flyway",
  matchBy: "version",
  defaultTables: [
    { schema: null, name: "flyway_schema_history" },
    { schema: null, name: "schema_version", note: "Flyway 3 and 4" },
  ],
  columns: ["installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "installed_on", "success"],
  async read(engine, table) {
    const rows = await engine.query<FlywayRow>(
      `SELECT installed_rank, version::text AS version, description::text AS description, type::text AS type,
              script::text AS script, checksum, installed_by::text AS installed_by,
              installed_on::timestamptz AS installed_on, success
       FROM ${table.sql} ORDER BY installed_rank`,
    );
    const applied = new Map<string, ToolHistoryEntry>();
    const unclean: UncleanEntry[] = [];
    let appliedThrough: AppliedThrough | null = null;
    for (const row of rows) {
      const key = flywayKey(row);
      if (!row.success) {
        unclean.push({ key, state: "failed", detail: `${row.script} failed (${row.type}, installed_rank ${row.installed_rank})` });
        continue;
      }
      const entry: ToolHistoryEntry = {
        key,
        label: row.description || null,
        appliedAt: isoTimestamp(row.installed_on),
        appliedBy: row.installed_by || null,
        checksum: row.checksum === null ? null : String(row.checksum),
      };
      if (row.type === "SCHEMA" || row.type === "TABLE") continue;
      if (row.type === "BASELINE" || row.type === "SQL_BASELINE") {
        if (row.version !== null) appliedThrough = { entry, isFileRequired: false };
        continue;
      }
      if (row.type === "DELETE" || row.type.startsWith("UNDO_")) {
        applied.delete(key);
        continue;
      }
      applied.delete(key); // a repeatable applied again moves to its latest place
      applied.set(key, entry);
    }
    return { entries: [...applied.values()], appliedThrough, unclean };
  },
};

/** A versioned row's version; a repeatable's `R__<description>` from its script, as drydock names it. */
function flywayKey(row: FlywayRow): string {
  if (row.version !== null) return row.version;
  const fileName = row.script.split(/[\\/]/).pop() ?? row.script;
  return fileName.replace(/\.sql$/i, "");
}
