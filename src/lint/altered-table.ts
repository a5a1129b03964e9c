import { type AstNode, listOf, unwrap } from "../analyze/ast.js";
import type { StatementContext } from "./rule.js";

/** A table an ALTER TABLE changes, and its subcommands (`{ subtype, name, def, … }`). */
export interface AlteredTable {
  table: string;
  commands: AstNode[];
}

/**
 * The ALTER TABLE of this statement when it changes a table the migration did not create (the
 * case lock and data rules care about: a table just created has no rows and no other users),
 * or null. ALTER TABLE on a view, index or composite type (`objtype`) is not a table change.
 */
export function alterOfExistingTable(
  context: Pick<StatementContext, "node" | "qualify" | "isCreatedInThisMigration">,
): AlteredTable | null {
  const alter = context.node.AlterTableStmt as AstNode | undefined;
  if (alter?.objtype !== "OBJECT_TABLE") return null;
  const table = context.qualify(alter.relation);
  if (context.isCreatedInThisMigration(table)) return null;
  return { table, commands: listOf(alter.cmds).map((entry) => unwrap(entry)[1]) };
}

/**
 * The columns of an existing table that this statement's `subtype` subcommands change (e.g.
 * "AT_DropColumn"), with their subcommand, leaving out columns added earlier in the migration.
 */
export function changedExistingColumns(
  context: Pick<StatementContext, "node" | "qualify" | "isCreatedInThisMigration">,
  subtype: string,
): Array<{ table: string; column: string; command: AstNode }> {
  const altered = alterOfExistingTable(context);
  if (!altered) return [];
  return altered.commands
    .filter((command) => command.subtype === subtype)
    .map((command) => ({ table: altered.table, column: String(command.name ?? ""), command }))
    .filter(({ table, column }) => !context.isCreatedInThisMigration(`${table}.${column}`));
}
