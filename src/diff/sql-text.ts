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

const bareIdentifier = /^[a-z_][a-z0-9_$]*$/;

/**
 * The two spellings of a schema-qualified name that `mentions` looks for: each part bare where
 * it needs no quotes (as pg_get_viewdef and format_type print it), and every part quoted.
 */
export function qualifiedSpellings(schema: string, name: string): [string, string] {
  const plain = (part: string) => (bareIdentifier.test(part) ? part : quoteIdent(part));
  return [`${plain(schema)}.${plain(name)}`, qualified(schema, name)];
}

/** Per ASCII code, whether `pattern` matches the character (false past ASCII, and for NaN past the end). */
function asciiClass(pattern: RegExp): readonly boolean[] {
  return Array.from({ length: 128 }, (_, code) => pattern.test(String.fromCharCode(code)));
}

const startsBare = asciiClass(/[a-z_]/);
const continuesBare = asciiClass(/[a-z0-9_$]/);
/** What glues onto a name beside it (`\w` is ASCII-only without the u flag). */
const gluesOn = asciiClass(/[\w$"]/);
const doubleQuote = 34;
const dot = 46;

/**
 * The end (exclusive) of the name part starting at `start`: a bare identifier (`[a-z_][a-z0-9_$]*`,
 * as long as it goes) or a quoted one (`"…"`, `""` inside); -1 when none starts there.
 */
function namePartEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === doubleQuote) {
    for (let at = start + 1; ; at += 2) {
      at = text.indexOf('"', at);
      if (at === -1) return -1;
      if (text.charCodeAt(at + 1) !== doubleQuote) return at + 1;
    }
  }
  if (startsBare[first] !== true) return -1;
  let end = start + 1;
  while (continuesBare[text.charCodeAt(end)] === true) end++;
  return end;
}

/**
 * Every schema-qualified name SQL text mentions, spelled as it is there (`app.users`,
 * `"app"."users"`, `app."Users"`): two name parts joined by a dot, not glued to a word
 * character, `$` or `"` on either side, nor to a dot before. One pass over the text: a name
 * begins only where nothing glues on before it, so bare parts are never read twice.
 */
export function qualifiedNamesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (let start = 0; start < text.length; start++) {
    if (start > 0) {
      const before = text.charCodeAt(start - 1);
      if (gluesOn[before] === true || before === dot) continue;
    }
    const schemaEnd = namePartEnd(text, start);
    if (schemaEnd === -1 || text.charCodeAt(schemaEnd) !== dot) continue;
    const end = namePartEnd(text, schemaEnd + 1);
    if (end === -1 || gluesOn[text.charCodeAt(end)] === true) continue;
    names.add(text.slice(start, end));
  }
  return names;
}

/** True when SQL text names the object, quoted or not (`app.users`, `"app"."users"`). */
export function mentions(text: string, schema: string, name: string): boolean {
  const names = qualifiedNamesIn(text);
  return qualifiedSpellings(schema, name).some((spelling) => names.has(spelling));
}

/**
 * For many texts against the same objects: a function giving the objects a text `mentions`,
 * in the order of `objects`. Each text is read once and each name in it looked up, rather than
 * searched for every object.
 */
export function mentionedAmong<T extends { schema: string; name: string }>(objects: readonly T[]): (text: string) => T[] {
  const positions = new Map<string, number[]>();
  objects.forEach((object, position) => {
    for (const spelling of new Set(qualifiedSpellings(object.schema, object.name))) {
      const list = positions.get(spelling);
      if (list) list.push(position);
      else positions.set(spelling, [position]);
    }
  });
  return (text) => {
    const found = new Set<number>();
    for (const name of qualifiedNamesIn(text)) for (const position of positions.get(name) ?? []) found.add(position);
    return [...found].sort((x, y) => x - y).map((position) => objects[position] as T);
  };
}

/** For many texts against the same objects: a function telling whether a text `mentions` any of them. */
export function mentionsAnyOf(objects: readonly { schema: string; name: string }[]): (text: string) => boolean {
  const spellings = new Set(objects.flatMap((object) => qualifiedSpellings(object.schema, object.name)));
  return (text) => {
    for (const name of qualifiedNamesIn(text)) if (spellings.has(name)) return true;
    return false;
  };
}

/** True when an expression as pg_get_expr prints it names the column, quoted or not (`email`, `t.email`, `"Email"`). */
export function mentionsColumn(text: string, column: string): boolean {
  const form = /^[a-z_][a-z0-9_$]*$/.test(column) ? column : quoteIdent(column);
  return new RegExp(`(^|[^\\w$"])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w$"])`).test(text);
}

/** The name as `::regclass` prints it with an empty search_path: quoted only where needed. */
export function regclassName(schema: string, name: string): string {
  return qualifiedSpellings(schema, name)[0];
}
