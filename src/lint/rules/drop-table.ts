import { defineRule } from "../rule.js";

/**
 * DROP TABLE removes the table and every row in it; CASCADE also drops the views and foreign
 * keys that depend on it. Only a backup brings the data back, and any client still querying the
 * table fails from the moment the migration commits. A table created earlier in the same
 * migration holds nothing anyone else wrote, so it is exempt.
 * https://www.postgresql.org/docs/current/sql-droptable.html
 */
export const dropTable = defineRule({
  id: "drop-table",
  category: "destructive",
  severity: "warning",
  summary: "DROP TABLE deletes a table and all of its rows",
  why: "The rows are gone for good (only a backup restores them), and clients that still query the table fail at once.",
  alternative:
    "Stop every reader and writer first, keep a backup or rename the table aside for a release, then drop it; add -- drydock:allow drop-table <reason> when the loss is intended.",
  check({ node, facts, isCreatedInThisMigration, report }) {
    const drop = node.DropStmt as { removeType?: string; behavior?: string } | undefined;
    if (drop?.removeType !== "OBJECT_TABLE") return;
    const cascade = drop.behavior === "DROP_CASCADE" ? ", with CASCADE also the views and foreign keys that depend on it" : "";
    for (const dropped of facts.drops) {
      if (dropped.kind !== "table" || isCreatedInThisMigration(dropped.name)) continue;
      report({ message: `DROP TABLE ${dropped.name} deletes the table and all of its rows${cascade}` });
    }
  },
});
