import { defineRule } from "../rule.js";

/**
 * ALTER TABLE … RENAME TO (and SET SCHEMA, which changes the qualified name) takes effect when
 * the migration commits, while the code still deployed keeps using the old name: during a
 * rolling deploy every query it sends fails with "relation does not exist". A table created
 * earlier in the same migration is exempt, and so is a rename followed in the same migration by
 * a view (or table) under the old name, the usual way to keep old clients working.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME
 */
export const renameTable = defineRule({
  id: "rename-table",
  category: "destructive",
  severity: "warning",
  summary: "renaming a table breaks clients that still use the old name",
  why: "Code deployed before the migration keeps sending the old name, and each of its queries fails until it is replaced.",
  alternative:
    "Rename, then CREATE VIEW <old name> AS SELECT * FROM <new name> in the same migration (a simple view is updatable), and drop the view once no client uses the old name.",
  check({ facts, parsed, migration, isCreatedInThisMigration, report }) {
    for (const rename of facts.renames) {
      if (rename.kind !== "table" || isCreatedInThisMigration(rename.from)) continue;
      const isReplaced = migration.statements.some(
        ({ parsed: later, facts: laterFacts }) =>
          later.index > parsed.index &&
          laterFacts.creates.some((created) => (created.kind === "view" || created.kind === "table") && created.name === rename.from),
      );
      if (isReplaced) continue;
      report({ message: `renaming ${rename.from} to ${rename.to} breaks every client that still uses ${rename.from}` });
    }
  },
});
