import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { isBuiltinFunction } from "../../analyze/catalog/builtin-names.js";
import { extensionObjects } from "../../analyze/catalog/extension-objects.js";
import type { LintProjectState } from "../project-state.js";
import { defineRule, type StatementContext } from "../rule.js";

/**
 * Functions marked VOLATILE (`pg_proc.provolatile = 'v'`) that a column default plausibly calls:
 * pg_catalog of PostgreSQL 15 (checked on a server), `random_normal` (16), `uuidv4`/`uuidv7` (18),
 * and the generators of uuid-ossp and pgcrypto. `now()`, `current_timestamp`,
 * `statement_timestamp()` and `transaction_timestamp()` are STABLE: evaluated once, no rewrite.
 */
const volatileFunctions: ReadonlySet<string> = new Set([
  "random",
  "random_normal",
  "setseed",
  "clock_timestamp",
  "timeofday",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "nextval",
  "currval",
  "lastval",
  "setval",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes",
  "gen_salt",
]);

const extensionFunctions: ReadonlySet<string> = new Set(Object.values(extensionObjects).flatMap((objects) => objects.functions));

/** Column types that come with a `nextval()` default: every existing row draws its own number. */
const serialTypes: ReadonlySet<string> = new Set(["smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"]);

/** Volatility of the functions this run has seen created (`CREATE FUNCTION` defaults to VOLATILE), by bare and qualified name. */
function declaredOf(project: LintProjectState): Map<string, string> {
  return project.ruleState("add-column-volatile-default", () => new Map<string, string>());
}

/** Why a default rewrites the table, or null when it does not. */
type Verdict = { reason: "volatile" | "undeclared" | "sequence" | "generated" | "any-default"; detail: string } | null;

/**
 * ADD COLUMN with a DEFAULT rewrites the whole table and its indexes under ACCESS EXCLUSIVE when
 * the default is volatile (one value per row), and on PostgreSQL 10 and older for any non-null
 * default. Since PostgreSQL 11 a non-volatile default is stored once in the catalog
 * (`pg_attribute.attmissingval`) and the table is not touched. serial and identity columns fill
 * every row from a sequence, and a stored generated column computes every row, so they rewrite
 * too (all checked against `pg_class.relfilenode` on PostgreSQL 15). A table created earlier in
 * the same migration is exempt. https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addColumnVolatileDefault = defineRule({
  id: "add-column-volatile-default",
  category: "lock",
  severity: "error",
  summary: "ADD COLUMN with a volatile DEFAULT (any DEFAULT before PostgreSQL 11) rewrites the whole table",
  why: "PostgreSQL rewrites the table and all its indexes to store a value in every row, holding ACCESS EXCLUSIVE: every read and write waits until it finishes.",
  alternative:
    "Add the column without a default (or with a constant one), set the default with ALTER COLUMN … SET DEFAULT, and backfill existing rows in batches.",
  check: reportRewrites,
  observe: remember,
});

function reportRewrites({ node, qualify, isCreatedInThisMigration, serverMajor, project, report }: StatementContext): void {
  const alter = node.AlterTableStmt as AstNode | undefined;
  if (!alter) return;
  const table = qualify(alter.relation);
  if (isCreatedInThisMigration(table)) return;
  for (const command of listOf(alter.cmds).map((entry) => unwrap(entry)[1])) {
    const [definitionKind, column] = unwrap(command.def);
    if (command.subtype !== "AT_AddColumn" || definitionKind !== "ColumnDef") continue;
    const verdict = judgeColumn(column, serverMajor, declaredOf(project));
    if (!verdict) continue;
    const name = String(column.colname ?? "");
    const messages: Record<NonNullable<Verdict>["reason"], string> = {
      volatile: `ADD COLUMN ${name} rewrites ${table}: its DEFAULT calls ${verdict.detail}, which is volatile, so every row needs its own value`,
      undeclared: `ADD COLUMN ${name} rewrites ${table} unless ${verdict.detail} is declared STABLE or IMMUTABLE (a function is VOLATILE unless it says otherwise)`,
      sequence: `ADD COLUMN ${name} (${verdict.detail}) rewrites ${table}: every existing row draws a number from the sequence`,
      generated: `ADD COLUMN ${name} … GENERATED ALWAYS AS (…) STORED rewrites ${table}: the expression is computed and stored for every row`,
      "any-default": `ADD COLUMN ${name} with a DEFAULT rewrites ${table} on PostgreSQL ${serverMajor} (only volatile defaults do since PostgreSQL 11)`,
    };
    report({ message: messages[verdict.reason] });
  }
}

function judgeColumn(column: AstNode, serverMajor: number, declared: ReadonlyMap<string, string> | undefined): Verdict {
  const typeNames = names((column.typeName as AstNode | undefined)?.names);
  const typeName = typeNames[typeNames.length - 1] ?? "";
  if (serialTypes.has(typeName)) return { reason: "sequence", detail: typeName };
  const constraints = listOf(column.constraints).map((entry) => unwrap(entry)[1]);
  if (constraints.some((constraint) => constraint.contype === "CONSTR_IDENTITY")) return { reason: "sequence", detail: "identity" };
  if (constraints.some((constraint) => constraint.contype === "CONSTR_GENERATED")) return { reason: "generated", detail: "" };
  const defaultExpression = constraints.find((constraint) => constraint.contype === "CONSTR_DEFAULT")?.raw_expr;
  if (defaultExpression === undefined || isNullConstant(defaultExpression)) return null;
  if (serverMajor < 11) return { reason: "any-default", detail: "" };
  let undeclared: string | null = null;
  for (const call of functionCalls(defaultExpression)) {
    const volatility = volatilityOf(call, declared);
    if (volatility === "volatile") return { reason: "volatile", detail: `${call.join(".")}()` };
    if (volatility === "unknown") undeclared ??= `${call.join(".")}()`;
  }
  return undeclared ? { reason: "undeclared", detail: undeclared } : null;
}

/** "volatile", "unknown" (a function drydock has not seen created: VOLATILE by default), or "fixed". */
function volatilityOf(call: string[], declared: ReadonlyMap<string, string> | undefined): "volatile" | "unknown" | "fixed" {
  const bare = call[call.length - 1] ?? "";
  const schema = call.length > 1 ? call[call.length - 2] : undefined;
  const own = declared?.get(call.join("."));
  if (own !== undefined) return own === "volatile" ? "volatile" : "fixed";
  if (volatileFunctions.has(bare)) return "volatile";
  if ((schema === undefined || schema === "pg_catalog") && isBuiltinFunction(bare)) return "fixed";
  if (extensionFunctions.has(bare)) return "fixed";
  return "unknown";
}

function isNullConstant(expression: unknown): boolean {
  const [kind, fields] = unwrap(expression);
  if (kind === "A_Const") return fields.isnull === true;
  if (kind === "TypeCast") return isNullConstant(fields.arg);
  return false;
}

/** The name of every function an expression calls, anywhere inside it. */
function functionCalls(expression: unknown): string[][] {
  const found: string[][] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== "object") return;
    const call = (value as { FuncCall?: { funcname?: unknown } }).FuncCall;
    if (call) found.push(names(call.funcname));
    for (const child of Object.values(value)) visit(child);
  };
  visit(expression);
  return found;
}

/** Records the volatility of functions the migration creates, for defaults in later statements. */
function remember({ node, project, qualify }: StatementContext): void {
  const create = node.CreateFunctionStmt as AstNode | undefined;
  if (!create || create.is_procedure) return;
  const parts = names(create.funcname);
  const bare = parts[parts.length - 1];
  if (!bare) return;
  const option = listOf(create.options)
    .map((entry) => unwrap(entry)[1])
    .find((option) => option.defname === "volatility");
  const volatility = (unwrap(option?.arg)[1].sval as string | undefined) ?? "volatile";
  const declared = declaredOf(project);
  declared.set(bare, volatility);
  declared.set(qualify({ schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined, relname: bare }), volatility);
}
