import type { ObjectKind, ObjectRef } from "../model/analysis.js";
import type { RangeVar } from "./ast.js";
import { isBuiltinFunction, isBuiltinRelation, isBuiltinType, isSystemSchema } from "./catalog/builtin-names.js";

/** An object reference as written, before the plan knows which schema holds it. */
export interface NamedRef extends ObjectRef {
  /** Written without a schema: the plan tries each of these `search_path` schemas, in order. */
  searchPath?: readonly string[];
}

/**
 * Qualifies names the way PostgreSQL does: a created object goes to the first schema of
 * `search_path`; an unqualified reference is looked up in `pg_catalog` first, then in each
 * `search_path` schema (the plan does that part, since it knows what exists). Names that
 * `pg_catalog` or `information_schema` provide are dropped here: they always exist.
 */
export class NameResolver {
  /** `SET check_function_bodies = off` (pg_dump writes it) stops PostgreSQL checking SQL bodies. */
  checkFunctionBodies = true;

  /** Temporary tables this migration created, by bare name: PostgreSQL looks in `pg_temp` first. */
  private readonly temporary = new Set<string>();

  constructor(private searchPath: string[]) {}

  /** `CREATE TEMP TABLE name`: the name means `pg_temp.name` from now on, ahead of `search_path`. */
  markTemporary(name: string): void {
    this.temporary.add(name);
  }

  /** `SET search_path` inside a migration changes how later statements resolve. */
  setSearchPath(schemas: string[]): void {
    if (schemas.length > 0) this.searchPath = schemas;
  }

  get creationSchema(): string {
    return this.searchPath.find((schema) => schema !== "$user" && schema !== "pg_catalog") ?? "public";
  }

  get path(): readonly string[] {
    return this.searchPath;
  }

  /** The qualified name of an object a statement creates, from a name list or a RangeVar. */
  createdName(parts: readonly string[]): string {
    const [first = "", second] = parts.length >= 2 ? parts.slice(-2) : [parts[0] ?? ""];
    if (second !== undefined) return `${first}.${second}`;
    return `${this.temporary.has(first) ? "pg_temp" : this.creationSchema}.${first}`;
  }

  relationName(relation: RangeVar | undefined): string {
    return this.createdName([relation?.schemaname, relation?.relname ?? ""].filter((part): part is string => part !== undefined));
  }

  /** A reference to a relation, or null for a system relation. */
  relationRef(relation: RangeVar | undefined, kind: ObjectKind = "table"): NamedRef | null {
    if (!relation?.relname) return null;
    return this.reference(kind, relation.schemaname ? [relation.schemaname, relation.relname] : [relation.relname], isBuiltinRelation);
  }

  /** A reference to a type, or null for a built-in type. */
  typeRef(parts: readonly string[]): NamedRef | null {
    return this.reference("type", parts, (schema, name) => schema === "pg_catalog" && isBuiltinType(name));
  }

  /** A reference to a function by name (calls carry no argument types), or null for a built-in. */
  functionRef(parts: readonly string[]): NamedRef | null {
    return this.reference("function", parts, (schema, name) => schema === "pg_catalog" && isBuiltinFunction(name));
  }

  private reference(kind: ObjectKind, parts: readonly string[], isBuiltin: (schema: string, name: string) => boolean): NamedRef | null {
    const name = parts[parts.length - 1];
    if (!name) return null;
    const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    if (schema !== undefined) {
      if (isSystemSchema(schema)) return null;
      return { kind, name: `${schema}.${name}` };
    }
    if (isBuiltin("pg_catalog", name)) return null; // pg_catalog is searched before search_path
    if (kind !== "function" && this.temporary.has(name)) return null; // the session's own, in pg_temp
    return { kind, name: `${this.creationSchema}.${name}`, searchPath: [...this.searchPath] };
  }
}

/**
 * A reference to a role, or null for a name no CREATE ROLE can make: PostgreSQL reserves
 * `public`, `none` and `pg_*` (its predefined roles, present in every cluster). Roles are
 * cluster-wide, so the name stands alone, as in the role's `creates` entry.
 */
export function roleRef(name: unknown): NamedRef | null {
  if (typeof name !== "string" || name === "" || name === "public" || name === "none" || name.startsWith("pg_")) return null;
  return { kind: "role", name };
}

/**
 * The role a RoleSpec node names, or null for PUBLIC, CURRENT_USER, SESSION_USER and
 * CURRENT_ROLE, which stand for whoever runs the statement (or everyone), not a role of their own.
 */
export function roleSpecRef(spec: unknown): NamedRef | null {
  const fields = spec as { roletype?: unknown; rolename?: unknown } | undefined;
  return fields?.roletype === "ROLESPEC_CSTRING" ? roleRef(fields.rolename) : null;
}
