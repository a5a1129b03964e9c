import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables and, unless NOT VALID, scans the
 * whole referencing table to check every row while holding it: writes to both tables wait.
 * NOT VALID adds the constraint at once (new rows are checked); VALIDATE CONSTRAINT later checks
 * the old rows under SHARE UPDATE EXCLUSIVE, which lets writes through. A REFERENCES on a column
 * that ADD COLUMN adds without a default (no DEFAULT, not generated, not serial) is marked valid
 * without a check, since every existing row holds NULL (transformFKConstraints' skipValidation);
 * before PostgreSQL 13 only when no other column of the statement has a default and it adds no
 * other foreign key, as the whole ALTER TABLE was transformed at once.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addForeignKeyValidated = defineRule({
  id: "add-foreign-key-validated",
  category: "lock",
  severity: "error",
  summary: "ADD FOREIGN KEY without NOT VALID on an existing table blocks writes while every row is checked",
  why: "Writes to both tables wait while PostgreSQL scans the whole referencing table to validate the new key.",
  alternative: "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later migration.",
  check({ node, qualify, isCreatedInThisMigration, serverMajor, report }) {
    const alter = node.AlterTableStmt as AstNode | undefined;
    if (!alter) return;
    const table = qualify(alter.relation);
    if (isCreatedInThisMigration(table)) return;
    const commands = listOf(alter.cmds).map((entry) => unwrap(entry)[1]);
    // Before PostgreSQL 13 one default or added key anywhere in the statement meant a check for all.
    const statementChecks = serverMajor < 13 && commands.some((command) => addsKey(command) || fillsColumn(command));
    for (const command of commands) {
      const [definitionKind, definition] = unwrap(command.def);
      const constraints =
        command.subtype === "AT_AddConstraint" && definitionKind === "Constraint"
          ? [definition]
          : command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef" && (statementChecks || fillsColumn(command))
            ? listOf(definition.constraints).map((entry) => unwrap(entry)[1])
            : [];
      for (const constraint of constraints) {
        if (constraint.contype !== "CONSTR_FOREIGN" || constraint.skip_validation) continue;
        report({ message: `ADD FOREIGN KEY on ${table} validates every existing row while blocking writes` });
      }
    }
  },
});

const serialTypes: ReadonlySet<string> = new Set(["smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"]);

/** ADD CONSTRAINT … FOREIGN KEY. */
function addsKey(command: AstNode): boolean {
  const [kind, definition] = unwrap(command.def);
  return command.subtype === "AT_AddConstraint" && kind === "Constraint" && definition.contype === "CONSTR_FOREIGN";
}

/** ADD COLUMN that gives existing rows a value (PostgreSQL's raw_default: DEFAULT, even NULL; GENERATED; serial). */
function fillsColumn(command: AstNode): boolean {
  const [kind, column] = unwrap(command.def);
  if (command.subtype !== "AT_AddColumn" || kind !== "ColumnDef") return false;
  const typeName = names((column.typeName as AstNode | undefined)?.names).at(-1) ?? "";
  const constraints = listOf(column.constraints).map((entry) => unwrap(entry)[1]);
  return (
    serialTypes.has(typeName) ||
    constraints.some((constraint) => constraint.contype === "CONSTR_DEFAULT" || constraint.contype === "CONSTR_GENERATED")
  );
}
