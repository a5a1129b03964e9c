import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";
import { tableLabel } from "../table-pattern.js";

const id = "fk.indexed";

/**
 * The key columns of every valid, non-partial index of the schemas, in index order; an
 * expression column is null. INCLUDE columns (past `indnkeyatts`) cannot lead a search.
 */
const indexKeysQuery = `
SELECT n.nspname AS schema, t.relname AS table,
  (SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord)
   FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
   LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
   WHERE k.ord <= i.indnkeyatts) AS columns
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY($1::text[]) AND i.indisvalid AND i.indpred IS NULL`;

/**
 * Every foreign key of the snapshot's tables has an index on the referencing table whose
 * leading columns are exactly the key's columns, in any order. PostgreSQL indexes the
 * referenced side only: without such an index, each DELETE or key UPDATE on the referenced
 * table scans the whole referencing table while holding its locks. Partial and invalid indexes
 * do not count (neither serves every lookup). Index keys are read from `pg_index.indkey`. A
 * miss is a warning, or a failure with `checks.fk_indexed = "fail"`.
 * https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK
 */
export const fkIndexed: Check = {
  id,
  description: "every foreign key has an index whose leading columns are its referencing columns",
  async run({ engine, config, after }) {
    const rows = await engine.query<{ schema: string; table: string; columns: (string | null)[] | null }>(indexKeysQuery, [
      after.source.schemas,
    ]);
    const indexes = new Map<string, (string | null)[][]>();
    for (const row of rows) {
      const key = `${row.schema}.${row.table}`;
      indexes.set(key, [...(indexes.get(key) ?? []), row.columns ?? []]);
    }
    const keys = after.tables.flatMap((table) =>
      table.constraints.filter((constraint) => constraint.foreign_key).map((constraint) => ({ table, constraint })),
    );
    const misses = keys.filter(({ table, constraint }) => {
      const wanted = new Set(constraint.columns);
      return !(indexes.get(tableLabel(table)) ?? []).some((columns) => {
        const leading = columns.slice(0, wanted.size);
        return leading.length === wanted.size && leading.every((column) => column !== null && wanted.has(column));
      });
    });
    const observed = { foreign_keys: keys.length, indexed: keys.length - misses.length, without_index: misses.length };
    const details = misses.map(
      ({ table, constraint }) =>
        `${tableLabel(table)}.${constraint.name}: no index on ${tableLabel(table)} leads with (${constraint.columns.join(", ")})`,
    );
    if (misses.length === 0) {
      return { id, status: "pass", summary: `${plural(keys.length, "foreign key")}, each with an index`, observed, details };
    }
    const status = config.checks.fk_indexed === "fail" ? "fail" : "warn";
    const summary = `${misses.length} of ${plural(keys.length, "foreign key")} without an index on their referencing columns`;
    return { id, status, summary, observed, details: limitDetails(details) };
  },
};
