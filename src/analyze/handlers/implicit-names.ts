import { type AstNode, names, unwrap } from "../ast.js";
import { walk } from "../collect-references.js";

/**
 * Names PostgreSQL chooses for objects a statement does not name (ChooseRelationName in
 * src/backend/commands/indexcmds.c): `<table>_pkey`, `<table>_<columns>_key|fkey|check|idx`,
 * `<table>_<column>_seq`. PostgreSQL shortens long names to 63 bytes by trimming the parts; a
 * plain cut is used here, which is why references to indexes and constraints stay soft.
 */
export function implicitName(table: string, columns: readonly string[], suffix: string): string {
  const parts = suffix === "pkey" ? [table, suffix] : [table, ...columns, suffix];
  return parts.join("_").slice(0, 63);
}

/** `schema.table` → [schema, table]. */
export function splitName(qualified: string): [string, string] {
  const dot = qualified.indexOf(".");
  return dot === -1 ? ["public", qualified] : [qualified.slice(0, dot), qualified.slice(dot + 1)];
}

/**
 * The name an index column contributes to an implicit index name (FigureIndexColname in
 * src/backend/parser/parse_target.c): the column, a function's name, a cast's inner name or
 * its type, else `expr`.
 */
export function indexColumnName(element: AstNode): string {
  if (typeof element.name === "string") return element.name;
  return expressionName(element.expr) ?? "expr";
}

function expressionName(expression: unknown): string | null {
  const [kind, fields] = unwrap(expression);
  if (kind === "ColumnRef") return names(fields.fields).pop() ?? null;
  if (kind === "FuncCall") return names(fields.funcname).pop() ?? null;
  if (kind === "TypeCast") return expressionName(fields.arg) ?? names((fields.typeName as AstNode | undefined)?.names).pop() ?? null;
  return null;
}

/**
 * The column a CHECK constraint's implicit name carries (AddRelationNewConstraints): the one
 * column its expression uses, or none when it uses several or none, wherever it is written.
 */
export function checkColumns(expression: unknown): string[] {
  const columns = new Set<string>();
  walk(expression, (kind, fields) => {
    const column = kind === "ColumnRef" ? names(fields.fields).pop() : undefined;
    if (column) columns.add(column);
  });
  return columns.size === 1 ? [...columns] : [];
}
