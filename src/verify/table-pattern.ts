/** A table as the checks name it. */
export interface TableName {
  schema: string;
  name: string;
}

/**
 * True when a table pattern of drydock.toml names the table: `schema.table`, `schema.*`, or
 * (where a list also takes schemas, as `checks.rls.force` does) a bare schema name. Names
 * compare as written, like the catalog stores them: `public.Users` is not `public.users`.
 * The first dot splits the schema from the table; double quotes are ignored.
 */
export function matchesTablePattern(pattern: string, table: TableName): boolean {
  const { schema, name } = parseTablePattern(pattern);
  return schema === table.schema && (name === null || name === table.name);
}

/** `schema.table` → its parts; `schema.*` and `schema` → the schema with a null table (any). */
export function parseTablePattern(pattern: string): { schema: string; name: string | null } {
  const text = pattern.trim().replace(/"/g, "");
  const dot = text.indexOf(".");
  if (dot === -1) return { schema: text, name: null };
  const name = text.slice(dot + 1);
  return { schema: text.slice(0, dot), name: name === "*" ? null : name };
}

/** `schema.table`, as the checks print a table. */
export function tableLabel(table: TableName): string {
  return `${table.schema}.${table.name}`;
}
