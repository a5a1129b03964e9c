import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";

const id = "indexes.valid";

interface IndexRow {
  schema: string;
  table: string;
  index: string;
  is_valid: boolean;
  /** A partitioned table's index, which stays invalid until every partition has its index attached. */
  is_partitioned: boolean;
}

const indexesQuery = `
SELECT n.nspname AS schema, t.relname AS table, ic.relname AS index, i.indisvalid AS is_valid,
  ic.relkind = 'I' AS is_partitioned
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
WHERE n.nspname = ANY($1::text[])
ORDER BY n.nspname, ic.relname`;

/**
 * No index of the snapshot's schemas is invalid (`pg_index.indisvalid = false`). A failed or
 * cancelled CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves one behind: the planner
 * never uses it, yet every write still updates it, and a unique one still rejects duplicates.
 * A partitioned table's index built ON ONLY stays invalid until each partition's index is
 * attached. Read from pg_index, partitions' indexes included.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export const indexesValid: Check = {
  id,
  description: "no invalid index",
  async run({ engine, after }) {
    const rows = await engine.query<IndexRow>(indexesQuery, [after.source.schemas]);
    const invalid = rows.filter((row) => !row.is_valid);
    const observed = { indexes: rows.length, invalid: invalid.length };
    const details = invalid.map((row) =>
      row.is_partitioned
        ? `${row.schema}.${row.index} on ${row.schema}.${row.table}: invalid until every partition's index is attached (ALTER INDEX … ATTACH PARTITION)`
        : `${row.schema}.${row.index} on ${row.schema}.${row.table}: invalid (a failed concurrent build?): drop it and build it again`,
    );
    if (invalid.length === 0) {
      return { id, status: "pass", summary: `${plural(rows.length, "index", "indexes")}, all valid`, observed, details };
    }
    const summary = `${invalid.length} of ${plural(rows.length, "index", "indexes")} invalid`;
    return { id, status: "fail", summary, observed, details: limitDetails(details) };
  },
};
