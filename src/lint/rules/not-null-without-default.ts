import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule, type StatementContext } from "../rule.js";
import { dmlNodesOf, hasNoRowFilter } from "./delete-without-where.js";

/** serial types get a nextval() default, so their new column is filled for existing rows. */
const serialTypes = new Set(["serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"]);

/** `NULL` or `NULL::type`: a default that fills nothing. */
function isNullConstant(expression: unknown): boolean {
  const [kind, fields] = unwrap(expression);
  if (kind === "TypeCast") return isNullConstant(fields.arg);
  return kind === "A_Const" && fields.isnull === true;
}

/**
 * Why a new column must be non-NULL from the start (NOT NULL or PRIMARY KEY), or null when it may
 * be NULL or is filled for existing rows (a non-NULL DEFAULT, identity, generated, serial).
 */
function unfilledRequirement(column: AstNode): string | null {
  const constraints = listOf(column.constraints).map((entry) => unwrap(entry)[1]);
  const typeName = names((column.typeName as AstNode | undefined)?.names).at(-1) ?? "";
  const isFilled =
    serialTypes.has(typeName) ||
    constraints.some(
      (constraint) =>
        constraint.contype === "CONSTR_IDENTITY" ||
        constraint.contype === "CONSTR_GENERATED" ||
        (constraint.contype === "CONSTR_DEFAULT" && !isNullConstant(constraint.raw_expr)),
    );
  if (isFilled) return null;
  if (constraints.some((constraint) => constraint.contype === "CONSTR_PRIMARY")) return "PRIMARY KEY";
  if (column.is_not_null === true || constraints.some((constraint) => constraint.contype === "CONSTR_NOTNULL")) return "NOT NULL";
  return null;
}

/**
 * Whether the migration emptied the table before this statement (TRUNCATE, or DELETE without a
 * row filter) and put no rows back since (INSERT, COPY FROM or MERGE into it).
 */
function emptiedEarlier({ migration, parsed, qualify }: StatementContext, table: string): boolean {
  let emptied = false;
  for (const { parsed: earlier } of migration.statements) {
    if (earlier.index >= parsed.index) break;
    const [kind, fields] = unwrap(earlier.node);
    if (kind === "TruncateStmt" && listOf(fields.relations).some((relation) => qualify(unwrap(relation)[1]) === table)) emptied = true;
    for (const deletion of dmlNodesOf(earlier.node, "DeleteStmt")) {
      if (qualify(deletion.relation) === table && hasNoRowFilter(deletion.whereClause)) emptied = true;
    }
    const refills =
      (kind === "InsertStmt" || kind === "MergeStmt" || (kind === "CopyStmt" && fields.is_from === true)) &&
      qualify(fields.relation) === table;
    if (refills) emptied = false;
  }
  return emptied;
}

/**
 * ADD COLUMN fills the new column of every existing row with its default, NULL when there is
 * none; a NOT NULL (or PRIMARY KEY) column without a default therefore fails with "column … of
 * relation … contains null values" as soon as the table has a row: it passes on an empty
 * development database and fails in production. A table created earlier in the same migration
 * is empty, so it is exempt, and so is a table the migration emptied first (TRUNCATE, or DELETE
 * without a WHERE) and has not refilled. https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-COLUMN
 */
export const notNullWithoutDefault = defineRule({
  id: "not-null-without-default",
  category: "correctness",
  severity: "error",
  summary: "ADD COLUMN … NOT NULL without a DEFAULT fails on a table that has rows",
  why: "Existing rows get NULL in the new column, which violates NOT NULL: the migration passes on an empty database and fails in production.",
  alternative:
    "Give the column a DEFAULT (constant defaults are instant since PostgreSQL 11), or add it nullable, backfill it in batches, then add the NOT NULL constraint.",
  check(context) {
    const { node, qualify, isCreatedInThisMigration, report } = context;
    const alter = node.AlterTableStmt as AstNode | undefined;
    if (alter?.objtype !== "OBJECT_TABLE") return;
    const table = qualify(alter.relation);
    // An ALTER TABLE on a table the migration did not create changes a table that exists already,
    // whether an earlier migration created it or it predates drydock.
    if (isCreatedInThisMigration(table) || emptiedEarlier(context, table)) return;
    for (const command of listOf(alter.cmds).map((entry) => unwrap(entry)[1])) {
      const [definitionKind, column] = unwrap(command.def);
      if (command.subtype !== "AT_AddColumn" || definitionKind !== "ColumnDef") continue;
      const requirement = unfilledRequirement(column);
      if (!requirement) continue;
      report({ message: `ADD COLUMN ${String(column.colname)} ${requirement} without a DEFAULT fails as soon as ${table} has a row` });
    }
  },
});
