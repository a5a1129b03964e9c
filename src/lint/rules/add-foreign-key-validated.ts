import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables and, unless NOT VALID, scans the
 * whole referencing table to check every row while holding it: writes to both tables wait.
 * NOT VALID adds the constraint at once (new rows are checked); VALIDATE CONSTRAINT later checks
 * the old rows under SHARE UPDATE EXCLUSIVE, which lets writes through.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addForeignKeyValidated = defineRule({
  id: "add-foreign-key-validated",
  category: "lock",
  severity: "error",
  summary: "ADD FOREIGN KEY without NOT VALID on an existing table blocks writes while every row is checked",
  why: "Writes to both tables wait while PostgreSQL scans the whole referencing table to validate the new key.",
  alternative: "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later migration.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const alter = node.AlterTableStmt as AstNode | undefined;
    if (!alter) return;
    const table = qualify(alter.relation);
    if (isCreatedInThisMigration(table)) return;
    for (const command of listOf(alter.cmds).map((entry) => unwrap(entry)[1])) {
      const [definitionKind, definition] = unwrap(command.def);
      const constraints =
        command.subtype === "AT_AddConstraint" && definitionKind === "Constraint"
          ? [definition]
          : command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef"
            ? listOf(definition.constraints).map((entry) => unwrap(entry)[1])
            : [];
      for (const constraint of constraints) {
        if (constraint.contype !== "CONSTR_FOREIGN" || constraint.skip_validation) continue;
        report({ message: `ADD FOREIGN KEY on ${table} validates every existing row while blocking writes` });
      }
    }
  },
});
