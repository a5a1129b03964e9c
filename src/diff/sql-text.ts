import type { GrantSnapshot } from "../model/snapshot.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";

/** `"schema"."name"`: every identifier quoted, as quote_ident would for any name. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** A role as GRANT and CREATE POLICY take it: `PUBLIC` (any case) is the keyword, not a role. */
export function roleName(role: string): string {
  return role.toLowerCase() === "public" ? "PUBLIC" : quoteIdent(role);
}

/** `'text'` or `NULL`, for COMMENT ON. */
export function commentLiteral(comment: string | null): string {
  return comment === null ? "NULL" : quoteLiteral(comment);
}

/** A destructive statement, marked so that a reader (and `--safe`) can tell it apart. */
export function destructive(what: string, sql: string): string {
  return `-- destructive: ${what}\n${sql}`;
}

/** Identity of a grant within one object. */
export function grantKey(grant: GrantSnapshot): string {
  return `${grant.privilege}\u0000${grant.grantee}`;
}

/**
 * GRANT and REVOKE statements turning `before` into `after` for one object (`on` is e.g.
 * `TABLE "app"."users"`). `columns` narrows them to a column (`GRANT SELECT ("email")`).
 */
export function grantChanges(on: string, before: readonly GrantSnapshot[], after: readonly GrantSnapshot[], column?: string): string[] {
  const statements: string[] = [];
  const had = new Map(before.map((grant) => [grantKey(grant), grant]));
  const has = new Map(after.map((grant) => [grantKey(grant), grant]));
  const privilege = (grant: GrantSnapshot) => (column ? `${grant.privilege} (${quoteIdent(column)})` : grant.privilege);
  for (const [key, grant] of had) {
    const kept = has.get(key);
    if (!kept) statements.push(`REVOKE ${privilege(grant)} ON ${on} FROM ${roleName(grant.grantee)};`);
    else if (grant.grantable && !kept.grantable)
      statements.push(`REVOKE GRANT OPTION FOR ${privilege(grant)} ON ${on} FROM ${roleName(grant.grantee)};`);
  }
  for (const [key, grant] of has) {
    const was = had.get(key);
    if (was && (was.grantable || !grant.grantable)) continue;
    const option = grant.grantable ? " WITH GRANT OPTION" : "";
    statements.push(`GRANT ${privilege(grant)} ON ${on} TO ${roleName(grant.grantee)}${option};`);
  }
  return statements;
}

/** `CREATE [UNIQUE] INDEX IF NOT EXISTS …` from pg_get_indexdef (a partition's index may already exist, made with its parent's). */
export function indexIfNotExists(definition: string): string {
  // `ON ONLY` (a partitioned table's index as pg_get_indexdef prints it) would leave the index
  // invalid until each partition's index is attached; without it the partitions get theirs.
  return `${definition.replace(" ON ONLY ", " ON ").replace(/^CREATE (UNIQUE )?INDEX /, (_, unique: string | undefined) => `CREATE ${unique ?? ""}INDEX IF NOT EXISTS `)};`;
}

/** Orders items so that each comes after those it depends on; ties and cycles keep input order. */
export function orderByDependencies<T>(items: readonly T[], keyOf: (item: T) => string, dependsOn: (item: T) => string[]): T[] {
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: T[] = [];
  const visit = (item: T) => {
    const key = keyOf(item);
    if (done.has(key) || visiting.has(key)) return;
    visiting.add(key);
    for (const dependency of dependsOn(item)) {
      const target = byKey.get(dependency);
      if (target !== undefined && dependency !== key) visit(target);
    }
    visiting.delete(key);
    done.add(key);
    ordered.push(item);
  };
  for (const item of items) visit(item);
  return ordered;
}

/** True when SQL text names the object, quoted or not (`app.users`, `"app"."users"`). */
export function mentions(text: string, schema: string, name: string): boolean {
  const plain = (part: string) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : quoteIdent(part));
  const forms = [`${plain(schema)}.${plain(name)}`, qualified(schema, name)];
  return forms.some((form) => {
    const pattern = new RegExp(`(^|[^\\w$".])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w$"])`);
    return pattern.test(text);
  });
}

/** True when an expression as pg_get_expr prints it names the column, quoted or not (`email`, `t.email`, `"Email"`). */
export function mentionsColumn(text: string, column: string): boolean {
  const form = /^[a-z_][a-z0-9_$]*$/.test(column) ? column : quoteIdent(column);
  return new RegExp(`(^|[^\\w$"])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w$"])`).test(text);
}

/** The name as `::regclass` prints it with an empty search_path: quoted only where needed. */
export function regclassName(schema: string, name: string): string {
  const plain = (part: string) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : quoteIdent(part));
  return `${plain(schema)}.${plain(name)}`;
}
