import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import type { ParsedStatement } from "../../parse/parse-sql.js";
import { alterOfExistingTable } from "../altered-table.js";
import { defineRule, type StatementContext } from "../rule.js";

/**
 * ADD CONSTRAINT … CHECK takes ACCESS EXCLUSIVE and, unless NOT VALID, reads every row to check
 * it while holding the lock; a CHECK written on ADD COLUMN does the same (and cannot be NOT
 * VALID). NOT VALID adds the constraint at once (new rows are checked); VALIDATE CONSTRAINT later
 * checks the old rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on, but only
 * in a transaction of its own: after ADD … NOT VALID in the same transaction, ACCESS EXCLUSIVE is
 * still held. A table created earlier in the same migration is exempt.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addCheckValidated = defineRule({
  id: "add-check-validated",
  category: "lock",
  severity: "error",
  summary: "ADD CONSTRAINT … CHECK without NOT VALID on an existing table checks every row while blocking reads and writes",
  why: "PostgreSQL scans the whole table to validate the new constraint while holding ACCESS EXCLUSIVE: every read and write waits until the scan ends.",
  alternative: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration (its own transaction).",
  check(context) {
    const { report } = context;
    const altered = alterOfExistingTable(context);
    if (!altered) return;
    const { table } = altered;
    for (const command of altered.commands) {
      const [definitionKind, definition] = unwrap(command.def);
      if (command.subtype === "AT_AddConstraint" && definitionKind === "Constraint") {
        if (definition.contype === "CONSTR_CHECK" && !definition.skip_validation) {
          report({ message: `ADD CONSTRAINT … CHECK on ${table} checks every existing row while holding ACCESS EXCLUSIVE` });
        }
      } else if (command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef") {
        const constraints = listOf(definition.constraints).map((entry) => unwrap(entry)[1]);
        if (constraints.some((constraint) => constraint.contype === "CONSTR_CHECK")) {
          report({
            message: `ADD COLUMN ${String(definition.colname ?? "")} with a CHECK scans every row of ${table} while holding ACCESS EXCLUSIVE`,
            alternative:
              "ADD COLUMN without the CHECK, then ADD CONSTRAINT … CHECK (…) NOT VALID and VALIDATE CONSTRAINT in a later migration.",
          });
        }
      } else if (command.subtype === "AT_ValidateConstraint") {
        const added = addedNotValidInSameTransaction(context, table, String(command.name ?? ""));
        if (added) {
          report({
            message: `VALIDATE CONSTRAINT ${String(command.name ?? "")} on ${table} runs in the transaction that added it NOT VALID (line ${added.line}), so ACCESS EXCLUSIVE is held through the scan`,
            alternative: "Move VALIDATE CONSTRAINT to a later migration, so that it runs in a transaction of its own.",
          });
        }
      }
    }
  },
});

/** The statement that added this CHECK … NOT VALID earlier in the same transaction, if any. */
function addedNotValidInSameTransaction(
  { migration, parsed, qualify }: StatementContext,
  table: string,
  constraintName: string,
): ParsedStatement | null {
  const statements = migration.statements.map((statement) => statement.parsed);
  const current = statements.findIndex((statement) => statement.index === parsed.index);
  const byStatement = migration.mode.mode === "statements";
  // Statement by statement, each statement commits on its own unless the file opened a block.
  if (byStatement && !isInsideBlock(statements, current)) return null;
  for (let i = current - 1; i >= 0; i--) {
    const earlier = statements[i] as ParsedStatement;
    const transaction = earlier.node.TransactionStmt as { kind?: string; chain?: boolean } | undefined;
    if (byStatement && transaction && (isTransactionStart(transaction) || isTransactionEnd(transaction))) return null;
    const alter = earlier.node.AlterTableStmt as AstNode | undefined;
    if (!alter || qualify(alter.relation) !== table) continue;
    const adds = listOf(alter.cmds).some((entry) => {
      const command = unwrap(entry)[1];
      const [definitionKind, definition] = unwrap(command.def);
      return (
        command.subtype === "AT_AddConstraint" &&
        definitionKind === "Constraint" &&
        definition.contype === "CONSTR_CHECK" &&
        definition.skip_validation === true &&
        definition.conname === constraintName
      );
    });
    if (adds) return earlier;
  }
  return null;
}

function isTransactionStart(transaction: { kind?: string }): boolean {
  return transaction.kind === "TRANS_STMT_BEGIN" || transaction.kind === "TRANS_STMT_START";
}

function isTransactionEnd(transaction: { kind?: string; chain?: boolean }): boolean {
  return (transaction.kind === "TRANS_STMT_COMMIT" || transaction.kind === "TRANS_STMT_ROLLBACK") && !transaction.chain;
}

/** Whether the statement at `position` runs inside a BEGIN … COMMIT block the file opened. */
function isInsideBlock(statements: readonly ParsedStatement[], position: number): boolean {
  let open = false;
  for (const statement of statements.slice(0, position)) {
    const transaction = statement.node.TransactionStmt as { kind?: string; chain?: boolean } | undefined;
    if (transaction && isTransactionStart(transaction)) open = true;
    else if (transaction && isTransactionEnd(transaction)) open = false;
  }
  return open;
}
