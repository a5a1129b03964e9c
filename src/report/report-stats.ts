import type { ReportStats } from "../model/report.js";
import type { Snapshot } from "../model/snapshot.js";

/**
 * The counts of a snapshot for the before/after table of a report (SPEC §9 `stats`). Tables
 * include partitions and foreign tables; columns are those of tables (a view's columns are
 * derived); indexes and triggers include those on materialized views; views include
 * materialized views; functions include procedures and aggregates. `rows` adds up the exact
 * counts, or the planner's estimates where a relation was not counted.
 */
export function statsOf(snapshot: Snapshot): ReportStats {
  const tables = snapshot.tables;
  const sum = <T>(items: readonly T[], count: (item: T) => number): number => items.reduce((total, item) => total + count(item), 0);
  // count(*) on a partitioned table reads its partitions, which are listed too: counting both
  // would report every partitioned row twice.
  const partitioned = new Set(tables.filter((table) => table.kind === "partitioned table").map((table) => `${table.schema}.${table.name}`));
  const relations = snapshot.statistics.relations.filter((relation) => !partitioned.has(`${relation.schema}.${relation.name}`));
  return {
    tables: tables.length,
    columns: sum(tables, (table) => table.columns.length),
    foreign_keys: sum(tables, (table) => table.constraints.filter((constraint) => constraint.type === "foreign key").length),
    indexes: sum(tables, (table) => table.indexes.length) + sum(snapshot.views, (view) => view.indexes.length),
    policies: sum(tables, (table) => table.policies.length),
    rls_tables: tables.filter((table) => table.rls.enabled).length,
    functions: snapshot.functions.length,
    views: snapshot.views.length,
    triggers: sum(tables, (table) => table.triggers.length) + sum(snapshot.views, (view) => view.triggers.length),
    size_bytes: snapshot.statistics.total_size_bytes,
    // reltuples is a float estimate and -1 for a relation never analyzed on PostgreSQL 14+.
    rows: sum(relations, (relation) => Math.max(0, Math.round(relation.row_count ?? relation.row_estimate ?? 0))),
  };
}
