import type { AnalyzedStatement } from "../../analyze/analyze-statement.js";
import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import type { ObjectRef } from "../../model/analysis.js";
import { defineRule, type StatementContext } from "../rule.js";

/**
 * A migration that runs statement by statement (`-- drydock:no-transaction`, a CONCURRENTLY
 * statement, or a file with its own BEGIN/COMMIT) keeps what ran before a failure: nothing rolls
 * it back. After the cause is fixed, the file runs again from the top, so each statement must
 * succeed a second time: CREATE … IF NOT EXISTS / OR REPLACE, DROP … IF EXISTS, ADD COLUMN IF NOT
 * EXISTS. A CREATE preceded in the same migration by DROP … IF EXISTS of the same object is
 * re-runnable too, and so is a DROP of an object the same migration creates. A failed CREATE
 * INDEX CONCURRENTLY leaves an INVALID index behind, which IF NOT EXISTS would then keep: drop it
 * first. https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export const notIdempotentOutsideTransaction = defineRule({
  id: "not-idempotent-outside-transaction",
  category: "lock",
  severity: "warning",
  summary: "a statement in a migration run outside one transaction fails when the migration is re-run after a partial failure",
  why: "Outside a single transaction, the statements before a failure stay applied; re-running the migration then stops at this statement, and someone has to repair the database by hand.",
  alternative:
    "CREATE … IF NOT EXISTS (or OR REPLACE), DROP … IF EXISTS, ADD COLUMN IF NOT EXISTS; for CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY IF EXISTS first, since a failed build leaves an INVALID index.",
  check(context) {
    if (context.migration.mode.mode !== "statements") return;
    const message = context.node.AlterTableStmt ? alterTableProblem(context) : statementProblem(context);
    if (message) context.report({ message });
  },
});

/** Statement kinds whose SQL does not read like the kind's name. */
const spelled: Readonly<Record<string, string>> = {
  create_enum: "CREATE TYPE … AS ENUM",
  create_table_as: "CREATE TABLE … AS",
  create_table_partition: "CREATE TABLE … PARTITION OF",
};

function statementProblem(context: StatementContext): string | null {
  const { node, facts, isCreatedInThisMigration } = context;
  const [kind, fields] = unwrap(node);
  if (kind === "DoStmt" || kind === "TransactionStmt") return null;
  const written = spelled[facts.kind] ?? facts.kind.replace(/_/g, " ").toUpperCase();
  if (kind === "IndexStmt" && typeof fields.idxname !== "string") {
    return `${written} without an index name builds a second index if the migration is re-run after a partial failure`;
  }
  const [created] = facts.creates;
  if (created && !facts.tolerantCreate && !isDroppedFirst(context, created)) {
    return `${written} fails if the migration is re-run after a partial failure: ${created.kind} ${created.name} already exists then`;
  }
  const missing = facts.drops.filter((dropped) => !isCreatedInThisMigration(dropped.name));
  if (missing.length > 0 && !facts.tolerantDrop) {
    return `${written} fails if the migration is re-run after a partial failure: ${missing.map((dropped) => `${dropped.kind} ${dropped.name}`).join(", ")} is gone then`;
  }
  return null;
}

/** ADD COLUMN without IF NOT EXISTS, DROP COLUMN / DROP CONSTRAINT without IF EXISTS. */
function alterTableProblem(context: StatementContext): string | null {
  const { node, qualify, isCreatedInThisMigration } = context;
  const alter = node.AlterTableStmt as AstNode;
  const table = qualify(alter.relation);
  const droppedHere = new Set<string>();
  const problems: string[] = [];
  for (const command of listOf(alter.cmds).map((entry) => unwrap(entry)[1])) {
    const [definitionKind, definition] = unwrap(command.def);
    const name = String(command.name ?? "");
    if (command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef" && !command.missing_ok) {
      const column = `${table}.${String(definition.colname ?? "")}`;
      if (!droppedHere.has(column) && !isDroppedFirst(context, { kind: "column", name: column })) {
        problems.push(`ADD COLUMN ${String(definition.colname ?? "")}`);
      }
    }
    if (command.subtype === "AT_DropColumn" || command.subtype === "AT_DropConstraint") {
      droppedHere.add(`${table}.${name}`);
      if (!command.missing_ok && !isCreatedInThisMigration(`${table}.${name}`)) {
        problems.push(`${command.subtype === "AT_DropColumn" ? "DROP COLUMN" : "DROP CONSTRAINT"} ${name}`);
      }
    }
  }
  if (problems.length === 0) return null;
  return `ALTER TABLE ${table} ${problems.join(", ")} fails if the migration is re-run after a partial failure (add IF NOT EXISTS / IF EXISTS)`;
}

/** Whether an earlier statement of the migration drops this object with IF EXISTS, so creating it again works. */
function isDroppedFirst({ migration, parsed }: StatementContext, object: ObjectRef): boolean {
  return migration.statements.some(
    ({ parsed: earlier, facts }: { parsed: { index: number }; facts: AnalyzedStatement }) =>
      earlier.index < parsed.index &&
      facts.tolerantDrop &&
      facts.drops.some((dropped) => dropped.kind === object.kind && dropped.name === object.name),
  );
}
