import { listOf, unwrap } from "../../analyze/ast.js";
import { alterOfExistingTable } from "../altered-table.js";
import { defineRule } from "../rule.js";

const kinds: Readonly<Record<string, string>> = { CONSTR_UNIQUE: "UNIQUE", CONSTR_PRIMARY: "PRIMARY KEY" };

/**
 * ADD CONSTRAINT … UNIQUE or PRIMARY KEY builds its index while holding ACCESS EXCLUSIVE, so
 * reads and writes wait for the whole build (a UNIQUE or PRIMARY KEY written on ADD COLUMN too).
 * CREATE UNIQUE INDEX CONCURRENTLY builds the same index under SHARE UPDATE EXCLUSIVE, and
 * ADD CONSTRAINT … USING INDEX then attaches it in a moment. A table created earlier in the same
 * migration is exempt. https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX
 */
export const addUniqueConstraint = defineRule({
  id: "add-unique-constraint",
  category: "lock",
  severity: "error",
  summary: "ADD CONSTRAINT … UNIQUE / PRIMARY KEY builds its index while blocking reads and writes",
  why: "The index is built while the table holds ACCESS EXCLUSIVE: every read and write waits until the build ends, minutes on a large table.",
  alternative:
    "CREATE UNIQUE INDEX CONCURRENTLY in a -- drydock:no-transaction migration, then ALTER TABLE … ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) USING INDEX.",
  check(context) {
    const { report } = context;
    const altered = alterOfExistingTable(context);
    if (!altered) return;
    const { table } = altered;
    for (const command of altered.commands) {
      const [definitionKind, definition] = unwrap(command.def);
      if (command.subtype === "AT_AddConstraint" && definitionKind === "Constraint") {
        const kind = kinds[String(definition.contype)];
        if (kind && typeof definition.indexname !== "string") {
          report({ message: `ADD CONSTRAINT … ${kind} on ${table} builds its index while holding ACCESS EXCLUSIVE` });
        }
      } else if (command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef") {
        const constraint = listOf(definition.constraints)
          .map((entry) => unwrap(entry)[1])
          .find((candidate) => kinds[String(candidate.contype)]);
        if (constraint) {
          report({
            message: `ADD COLUMN ${String(definition.colname ?? "")} … ${kinds[String(constraint.contype)]} builds an index on ${table} while holding ACCESS EXCLUSIVE`,
            alternative:
              "ADD COLUMN without the constraint, CREATE UNIQUE INDEX CONCURRENTLY in a -- drydock:no-transaction migration, then ADD CONSTRAINT … USING INDEX.",
          });
        }
      }
    }
  },
});
