import type { ConstraintSnapshot, ForeignKeySnapshot, TableSnapshot } from "../../model/snapshot.js";
import { plural } from "../../util/plural.js";
import { quoteIdent } from "../../util/quote-ident.js";
import type { Check } from "../check.js";
import { inRolledBackTransaction } from "../in-rolled-back-transaction.js";
import { limitDetails } from "../limit-details.js";
import { relationSql } from "../relation-sql.js";
import { tableLabel } from "../table-pattern.js";

const id = "fk.orphans";
/**
 * Keys counted per round trip. The counts run one after the other in the check's transaction
 * either way (each with its own statement_timeout); a batch saves the wait between them.
 */
const keysPerBatch = 100;

interface ForeignKey {
  table: TableSnapshot;
  constraint: ConstraintSnapshot;
  key: ForeignKeySnapshot;
}

/**
 * The rows of `child` that break the key: all key columns set and no parent row (MATCH SIMPLE,
 * where one NULL exempts the row), or for MATCH FULL also some but not all columns NULL. Like
 * PostgreSQL's own check, a plain table is read with ONLY (an inheritance child is not bound by
 * its parent's keys) and so is a plain referenced table; partitioned tables are read whole.
 */
function orphansSql({ table, constraint, key }: ForeignKey, parentIsPartitioned: boolean): string {
  const child = (column: string) => `c.${quoteIdent(column)}`;
  const allSet = constraint.columns.map((column) => `${child(column)} IS NOT NULL`).join(" AND ");
  const allNull = constraint.columns.map((column) => `${child(column)} IS NULL`).join(" AND ");
  const matches = constraint.columns.map((column, i) => `p.${quoteIdent(key.columns[i] ?? column)} = ${child(column)}`).join(" AND ");
  // key.table is regclass text read with an empty search_path: qualified and quoted already.
  const parent = `${parentIsPartitioned ? "" : "ONLY "}${key.table}`;
  const orphan = `(${allSet}) AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE ${matches})`;
  const condition = key.match === "full" ? `(${orphan}) OR NOT ((${allSet}) OR (${allNull}))` : orphan;
  const only = table.kind === "table" ? "ONLY " : "";
  return `SELECT pg_catalog.count(*)::float8 AS orphans FROM ${only}${relationSql(table)} c WHERE ${condition}`;
}

/**
 * No row breaks a foreign key of the snapshot's tables, NOT VALID ones included: a key added
 * NOT VALID and never validated does not check the rows that were there, and data loaded with
 * triggers disabled (`session_replication_role = replica`) skips the check entirely. Counts, per
 * key, the referencing rows whose columns are all set (MATCH SIMPLE; for MATCH FULL, rows with
 * only some set count too) that have no referenced row. Reads in a READ ONLY transaction with
 * `row_security = off`, so a session that row-level security would filter gets an error rather
 * than a wrong count. https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK
 */
export const fkOrphans: Check = {
  id,
  description: "no row violates a foreign key (NOT VALID ones included)",
  async run({ engine, after }) {
    const keys: ForeignKey[] = after.tables.flatMap((table) =>
      table.constraints.flatMap((constraint) => (constraint.foreign_key ? [{ table, constraint, key: constraint.foreign_key }] : [])),
    );
    const details: string[] = [];
    let orphanedRows = 0;
    await inRolledBackTransaction(
      engine,
      async () => {
        await engine.exec("SET LOCAL row_security = off");
        const parents = [...new Set(keys.map(({ key }) => key.table))];
        const partitioned = await engine.query<{ name: string }>(
          `SELECT name FROM pg_catalog.unnest($1::text[]) AS name
           JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(name) WHERE c.relkind = 'p'`,
          [parents],
        );
        const isPartitioned = new Set(partitioned.map((row) => row.name));
        const counts: number[] = [];
        for (let start = 0; start < keys.length; start += keysPerBatch) {
          const batch = keys.slice(start, start + keysPerBatch);
          const results = await engine.queryEach<{ orphans: number }>(
            batch.map((foreignKey) => orphansSql(foreignKey, isPartitioned.has(foreignKey.key.table))),
          );
          counts.push(...results.map(([row]) => Number(row?.orphans ?? 0)));
        }
        for (const [index, foreignKey] of keys.entries()) {
          const orphans = counts[index] ?? 0;
          if (orphans === 0) continue;
          orphanedRows += orphans;
          const { table, constraint, key } = foreignKey;
          const valid = constraint.is_valid ? "" : ", NOT VALID";
          details.push(
            `${tableLabel(table)}.${constraint.name}: ${plural(orphans, "orphaned row")} (${constraint.columns.join(", ")} → ${key.table}${valid})`,
          );
        }
      },
      { readOnly: true },
    );
    const observed = {
      foreign_keys: keys.length,
      not_valid: keys.filter(({ constraint }) => !constraint.is_valid).length,
      orphaned_rows: orphanedRows,
      keys_with_orphans: details.length,
    };
    if (details.length === 0) {
      return { id, status: "pass", summary: `${plural(keys.length, "foreign key")}, no orphaned row`, observed, details };
    }
    const summary = `${plural(orphanedRows, "orphaned row")} in ${details.length} of ${plural(keys.length, "foreign key")}`;
    return { id, status: "fail", summary, observed, details: limitDetails(details) };
  },
};
