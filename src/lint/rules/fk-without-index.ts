import { defineRule } from "../rule.js";

/**
 * PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique
 * constraint) but not the referencing columns. Without an index there, every DELETE or key
 * UPDATE on the referenced table scans the whole referencing table to check for (or cascade to)
 * matching rows, while holding its locks, and joins along the key scan too. An index whose
 * leading columns are the key's columns, in any order, serves those lookups. Judged over the
 * whole project, so an index added by a later migration counts; reported where the key is added.
 * https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK
 */
export const fkWithoutIndex = defineRule({
  id: "fk-without-index",
  category: "correctness",
  severity: "warning",
  summary: "a foreign key whose referencing columns lead no index",
  why: "Each DELETE or key UPDATE on the referenced table scans the whole referencing table, which grows slower with every row and holds locks meanwhile.",
  alternative:
    "CREATE INDEX CONCURRENTLY on the referencing columns (in the key's order) in a -- drydock:no-transaction migration, or start an existing index with them.",
  finish({ project, reportAt }) {
    const hasIndexLeadingWith = project.indexLeadingWith();
    for (const key of project.foreignKeys) {
      if (key.columns.length === 0 || hasIndexLeadingWith(key.table, key.columns)) continue;
      const columns = key.columns.join(", ");
      reportAt(key.file, key.line, key.column, {
        message: `foreign key on ${key.table} (${columns}) has no index leading with ${key.columns.length === 1 ? "that column" : "those columns"}`,
      });
    }
  },
});
