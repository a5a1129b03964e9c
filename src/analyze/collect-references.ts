import { type AstNode, names, type RangeVar, stringConstant } from "./ast.js";
import { type NamedRef, type NameResolver, roleSpecRef } from "./name-resolver.js";

/** Functions whose text argument PostgreSQL resolves to a relation when the statement is parsed. */
const relationArgumentFunctions = new Set(["nextval", "currval", "setval", "pg_get_serial_sequence"]);
/** Casts of a string constant that resolve an object when the statement is parsed. */
const resolvingCasts: Record<string, "table" | "function" | "type"> = {
  regclass: "table",
  regproc: "function",
  regprocedure: "function",
  regtype: "type",
};

export interface CollectOptions {
  /** Nodes (by identity) that name what the statement creates, not what it needs. */
  skip?: ReadonlySet<unknown>;
}

/**
 * Every relation, function, type and role a statement's AST names, as references: RangeVars
 * (minus the statement's own CTE names), function calls, type names, `'name'::regclass` casts,
 * `nextval('seq')` and RoleSpecs (grantees, policy roles, new owners, `AUTHORIZATION`, `FOR
 * ROLE`…). Columns are not tracked. Built-in names are already dropped by the resolver.
 */
export function collectReferences(root: unknown, resolver: NameResolver, options: CollectOptions = {}): NamedRef[] {
  const cteNames = new Set<string>();
  // Relations stay unresolved until the walk has seen every CTE name (a CTE may follow its use).
  const found: Array<{ ref: NamedRef } | { relation: RangeVar }> = [];
  const add = (ref: NamedRef | null) => {
    if (ref) found.push({ ref });
  };
  walk(root, (kind, fields) => {
    if (options.skip?.has(fields)) return false;
    switch (kind) {
      case "CommonTableExpr":
        if (typeof fields.ctename === "string") cteNames.add(fields.ctename);
        return;
      case "RangeVar":
        found.push({ relation: fields as RangeVar });
        return true;
      case "FuncCall": {
        const funcname = names(fields.funcname);
        add(resolver.functionRef(funcname));
        const last = funcname[funcname.length - 1] ?? "";
        const [firstArgument] = (fields.args as unknown[] | undefined) ?? [];
        const text = relationArgumentFunctions.has(last) ? stringConstant(firstArgument) : null;
        if (text) add(resolver.relationRef(splitQualifiedName(text)));
        return;
      }
      case "RoleSpec":
        add(roleSpecRef(fields));
        return;
      case "TypeName":
        if (!fields.pct_type) add(resolver.typeRef(names(fields.names)));
        return;
      case "TypeCast": {
        const typeNames = names((fields.typeName as AstNode | undefined)?.names);
        const castKind = resolvingCasts[typeNames[typeNames.length - 1] ?? ""];
        const text = castKind ? stringConstant(fields.arg) : null;
        if (!text || !castKind) return;
        const parts = splitQualifiedName(text.replace(/\(.*$/s, ""));
        const qualified = [parts.schemaname, parts.relname ?? ""].filter((part): part is string => part !== undefined);
        if (castKind === "table") add(resolver.relationRef(parts));
        else if (castKind === "function") add(resolver.functionRef(qualified));
        else add(resolver.typeRef(qualified));
        return;
      }
      default:
        return;
    }
  });
  const refs: NamedRef[] = [];
  for (const entry of found) {
    if ("ref" in entry) {
      refs.push(entry.ref);
      continue;
    }
    const { relation } = entry;
    if (!relation.schemaname && relation.relname && cteNames.has(relation.relname)) continue;
    const ref = resolver.relationRef(relation);
    if (ref) refs.push(ref);
  }
  return refs;
}

/**
 * Visits every node below `node`, parents before children: wrapped nodes `{ Kind: fields }`,
 * and the RangeVar, TypeName and RoleSpec structs that libpg-query leaves unwrapped where the
 * field's type says what it holds (`CreateStmt.relation`, `ColumnDef.typeName`,
 * `AlterTableCmd.newowner`). A visit that returns `false` skips the node's subtree.
 */
export function walk(node: unknown, visit: (kind: string, fields: AstNode) => unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!node || typeof node !== "object") return;
  const fields = node as AstNode;
  for (const key in fields) {
    const value = fields[key];
    if (!value || typeof value !== "object") continue; // scalars hold no nodes
    if (Array.isArray(value)) {
      for (const item of value) walk(item, visit);
      continue;
    }
    const first = key.charCodeAt(0);
    const kind = first >= 65 && first <= 90 ? key : unwrappedKind(value as AstNode); // A–Z: a wrapped node `{ Kind: fields }`
    if (kind && visit(kind, value as AstNode) === false) continue; // false: skip the subtree
    if (kind === "A_Const") continue; // a constant holds no node
    walk(value, visit);
  }
}

/** The node type of an unwrapped struct, recognised by its fields. */
function unwrappedKind(fields: AstNode): string | null {
  if (typeof fields.relname === "string" && "inh" in fields) return "RangeVar";
  if (Array.isArray(fields.names) && "typemod" in fields) return "TypeName";
  if (typeof fields.roletype === "string") return "RoleSpec";
  return null;
}

/** `'public.users'` or `'"Odd Name"'` as PostgreSQL reads a relation name in a string. */
export function splitQualifiedName(text: string): RangeVar {
  const parts =
    text
      .match(/"(?:[^"]|"")*"|[^.]+/g)
      ?.map((part) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase().trim())) ?? [];
  const relname = parts[parts.length - 1];
  const schemaname = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return { ...(schemaname ? { schemaname } : {}), ...(relname ? { relname } : {}) };
}
