import { defineRule } from "../rule.js";

/**
 * DROP SCHEMA … CASCADE drops every table, view, function and type in the schema with their
 * data; without CASCADE PostgreSQL refuses a schema that still contains objects, but clients and
 * roles whose search_path or grants name it still break. A schema created earlier in the same
 * migration is exempt. https://www.postgresql.org/docs/current/sql-dropschema.html
 */
export const dropSchema = defineRule({
  id: "drop-schema",
  category: "destructive",
  severity: "warning",
  summary: "DROP SCHEMA removes a schema (and, with CASCADE, everything in it)",
  why: "With CASCADE every table in the schema is dropped with its rows; either way, clients that name the schema fail.",
  alternative:
    "Drop the schema's objects one by one in reviewed migrations, then DROP SCHEMA without CASCADE; add -- drydock:allow drop-schema <reason> when the loss is intended.",
  check({ node, facts, project, isCreatedInThisMigration, report }) {
    const drop = node.DropStmt as { removeType?: string; behavior?: string } | undefined;
    if (drop?.removeType !== "OBJECT_SCHEMA") return;
    const isCascade = drop.behavior === "DROP_CASCADE";
    for (const dropped of facts.drops) {
      if (dropped.kind !== "schema" || isCreatedInThisMigration(dropped.name)) continue;
      const tables = [...project.tables.keys()].filter((table) => table.startsWith(`${dropped.name}.`));
      const held = tables.length > 0 ? ` (it holds ${tables.join(", ")})` : "";
      report({
        message: isCascade
          ? `DROP SCHEMA ${dropped.name} CASCADE drops the schema and everything in it with its data${held}`
          : `DROP SCHEMA ${dropped.name} removes the schema${held}`,
      });
    }
  },
});
