import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { alterOfExistingTable } from "../altered-table.js";
import type { LintProjectState } from "../project-state.js";
import { defineRule, type StatementContext } from "../rule.js";

/** A constraint this run has seen; `column` is the one it proves has no NULLs once validated, if any. */
interface NotNullProof {
  column: string | null;
  validated: boolean;
}

/** Per table, the constraints this run has seen added, by name. */
function proofsOf(project: LintProjectState): Map<string, Map<string, NotNullProof>> {
  return project.ruleState("set-not-null", () => new Map<string, Map<string, NotNullProof>>());
}

const checkPattern =
  "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; in a later migration VALIDATE CONSTRAINT c, then SET NOT NULL (no scan) and DROP CONSTRAINT c.";

/**
 * ALTER COLUMN … SET NOT NULL reads the whole table to prove there is no NULL, holding ACCESS
 * EXCLUSIVE. Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL)
 * constraint already proves it; the CHECK can be added NOT VALID and validated under SHARE
 * UPDATE EXCLUSIVE, which lets reads and writes go on. PostgreSQL 18 also accepts ADD CONSTRAINT
 * … NOT NULL col NOT VALID. Proofs are known from the migrations this run checked; a VALIDATE
 * CONSTRAINT on the same table earlier in the same migration is taken for one. A table created
 * earlier in the same migration is exempt.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 */
export const setNotNull = defineRule({
  id: "set-not-null",
  category: "lock",
  severity: "error",
  summary: "SET NOT NULL on an existing table scans every row while holding ACCESS EXCLUSIVE",
  why: "PostgreSQL reads the whole table to check for NULLs while holding ACCESS EXCLUSIVE: every read and write waits until the scan ends.",
  alternative: checkPattern,
  check: reportScans,
  observe: remember,
});

function reportScans(context: StatementContext): void {
  const { serverMajor, report } = context;
  const altered = alterOfExistingTable(context);
  if (!altered) return;
  const { table } = altered;
  for (const command of altered.commands) {
    const [definitionKind, constraint] = unwrap(command.def);
    const isNativeNotNull =
      command.subtype === "AT_AddConstraint" &&
      definitionKind === "Constraint" &&
      constraint.contype === "CONSTR_NOTNULL" &&
      !constraint.skip_validation;
    if (command.subtype !== "AT_SetNotNull" && !isNativeNotNull) continue;
    const column = command.subtype === "AT_SetNotNull" ? String(command.name ?? "") : (names(constraint.keys)[0] ?? "");
    if (serverMajor >= 12 && isProvenNotNull(context, table, column)) continue;
    const written = command.subtype === "AT_SetNotNull" ? `SET NOT NULL on ${column}` : `ADD CONSTRAINT … NOT NULL ${column}`;
    report({
      message: `${written} scans every row of ${table} while holding ACCESS EXCLUSIVE`,
      alternative:
        serverMajor >= 18
          ? `ADD CONSTRAINT c NOT NULL ${column} NOT VALID, then VALIDATE CONSTRAINT c in a later migration (or: ${checkPattern})`
          : serverMajor >= 12
            ? checkPattern
            : `Before PostgreSQL 12 every SET NOT NULL scans: keep a CHECK (${column} IS NOT NULL) constraint instead, added NOT VALID and validated in a later migration.`,
    });
  }
}

/** A validated proof this run has seen, or a VALIDATE CONSTRAINT on the table earlier in this migration. */
function isProvenNotNull({ project, parsed, migration, qualify }: StatementContext, table: string, column: string): boolean {
  const proofs = proofsOf(project).get(table);
  if ([...(proofs?.values() ?? [])].some((proof) => proof.column === column && proof.validated)) return true;
  return migration.statements
    .filter((statement) => statement.parsed.index < parsed.index)
    .some(({ parsed: earlier }) => {
      const alter = earlier.node.AlterTableStmt as AstNode | undefined;
      if (!alter || qualify(alter.relation) !== table) return false;
      return listOf(alter.cmds).some((entry) => {
        const command = unwrap(entry)[1];
        if (command.subtype !== "AT_ValidateConstraint") return false;
        const known = proofs?.get(String(command.name ?? ""));
        return known === undefined || known.column === column; // its definition came from a migration not linted here
      });
    });
}

/** The column a CHECK expression proves NOT NULL: `col IS NOT NULL`, alone or in an AND. */
function provenColumn(expression: unknown): string | null {
  const [kind, fields] = unwrap(expression);
  if (kind === "NullTest" && fields.nulltesttype === "IS_NOT_NULL") {
    const [argumentKind, argument] = unwrap(fields.arg);
    const parts = argumentKind === "ColumnRef" ? names(argument.fields) : [];
    return parts.length === 1 ? (parts[0] ?? null) : null;
  }
  if (kind === "BoolExpr" && fields.boolop === "AND_EXPR") {
    for (const argument of listOf(fields.args)) {
      const column = provenColumn(argument);
      if (column) return column;
    }
  }
  return null;
}

/** Follows constraints added, validated and dropped, noting which prove a column NOT NULL. */
function remember({ node, qualify, project }: StatementContext): void {
  const tables = proofsOf(project);
  const [kind, fields] = unwrap(node);
  if (kind === "CreateStmt") tables.delete(qualify(fields.relation));
  if (kind !== "AlterTableStmt" || fields.objtype !== "OBJECT_TABLE") return;
  const table = qualify(fields.relation);
  const proofs = tables.get(table) ?? new Map<string, NotNullProof>();
  tables.set(table, proofs);
  for (const command of listOf(fields.cmds).map((entry) => unwrap(entry)[1])) {
    const [definitionKind, constraint] = unwrap(command.def);
    if (command.subtype === "AT_AddConstraint" && definitionKind === "Constraint") {
      const column =
        constraint.contype === "CONSTR_CHECK"
          ? provenColumn(constraint.raw_expr)
          : constraint.contype === "CONSTR_NOTNULL"
            ? (names(constraint.keys)[0] ?? null)
            : null;
      const name = typeof constraint.conname === "string" ? constraint.conname : `${table}:${proofs.size}`;
      proofs.set(name, { column, validated: !constraint.skip_validation });
    }
    const name = String(command.name ?? "");
    const proof = proofs.get(name);
    if (command.subtype === "AT_ValidateConstraint" && proof) proof.validated = true;
    if (command.subtype === "AT_DropConstraint") proofs.delete(name);
  }
}
