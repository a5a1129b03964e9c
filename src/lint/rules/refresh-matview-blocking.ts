import type { AstNode } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * REFRESH MATERIALIZED VIEW holds ACCESS EXCLUSIVE on the view while its query runs again:
 * every SELECT from the view waits. CONCURRENTLY (PostgreSQL 9.4+) takes EXCLUSIVE instead, so
 * reads go on; it needs a unique index on the view and a view already populated. A view created
 * earlier in the same migration is exempt, and so is WITH NO DATA, which only empties the view.
 * https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html
 */
export const refreshMatviewBlocking = defineRule({
  id: "refresh-matview-blocking",
  category: "lock",
  severity: "warning",
  summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view while its query runs",
  why: "The view holds ACCESS EXCLUSIVE while its query runs again: every SELECT from it waits until the refresh ends.",
  alternative:
    "REFRESH MATERIALIZED VIEW CONCURRENTLY, after CREATE UNIQUE INDEX on the view (it must have been populated once); or refresh it outside the migration.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const refresh = node.RefreshMatViewStmt as AstNode | undefined;
    if (!refresh || refresh.concurrent || refresh.skipData) return;
    const view = qualify(refresh.relation);
    if (isCreatedInThisMigration(view)) return;
    report({ message: `REFRESH MATERIALIZED VIEW blocks every read of ${view} until its query finishes` });
  },
});
