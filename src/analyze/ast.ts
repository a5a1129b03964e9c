/** Small accessors over libpg-query's JSON AST, where every node is `{ NodeType: { …fields } }`. */
export type AstNode = Record<string, unknown>;

/** The single key of a wrapped node (`"CreateStmt"`) and its fields. */
export function unwrap(node: unknown): [string, AstNode] {
  if (!node || typeof node !== "object") return ["", {}];
  for (const key in node) return [key, ((node as AstNode)[key] ?? {}) as AstNode];
  return ["", {}];
}

/** The `sval`s of a list of `{ String: { sval } }` nodes, e.g. a qualified name. */
export function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (item as { String?: { sval?: string } }).String?.sval ?? "").filter((part) => part !== "");
}

/** An array field, or an empty array. */
export function listOf(value: unknown): AstNode[] {
  return Array.isArray(value) ? (value as AstNode[]) : [];
}

/** A RangeVar's parts. */
export interface RangeVar {
  schemaname?: string;
  relname?: string;
  location?: number;
}

/** The string value of a string constant node (`A_Const` with `sval`), if it is one. */
export function stringConstant(node: unknown): string | null {
  const [kind, fields] = unwrap(node);
  if (kind !== "A_Const") return null;
  const sval = (fields.sval as { sval?: string } | undefined)?.sval;
  return typeof sval === "string" ? sval : null;
}
