import { InputError } from "../errors/drydock-error.js";

/**
 * Replaces psql-style placeholders the way `psql -v NAME=value` does: `:NAME` by the value as is,
 * `:'NAME'` by the value quoted as a string literal, `:"NAME"` by the value quoted as an
 * identifier. Only names defined in `variables` are replaced; anything else (`:other`, `::text`
 * casts, array slices) is left alone, like psql leaves an undefined variable. Like psql's lexer it
 * never looks inside string literals (including `E'…'` with backslash escapes), quoted
 * identifiers, dollar-quoted bodies, `--` comments or nested `/* … *\/` comments.
 * https://www.postgresql.org/docs/current/app-psql.html#APP-PSQL-INTERPOLATION
 *
 * Line structure is kept, so a value must not contain a line break (an {@link InputError}).
 * `file` names the migration in that error.
 */
export function substituteVariables(sql: string, variables: Record<string, string>, file = "a migration"): string {
  const names = Object.keys(variables);
  if (names.length === 0 || !sql.includes(":")) return sql;
  for (const name of names) {
    if (/[\r\n]/.test(variables[name] ?? "")) {
      throw new InputError(`variable ${name} contains a line break, which would shift the lines of ${file}`, {
        hint: "Keep [project.variables] values on one line.",
      });
    }
  }
  let out = "";
  let copiedTo = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
    } else if (ch === "/" && next === "*") {
      i = skipBlockComment(sql, i);
    } else if (ch === "'") {
      i = skipQuoted(sql, i, "'", isEscapeStringPrefix(sql, i));
    } else if (ch === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (ch === "$" && !isIdentifierChar(sql[i - 1])) {
      i = skipDollarQuoted(sql, i);
    } else if (isIdentifierChar(ch)) {
      while (i < sql.length && isIdentifierChar(sql[i])) i++;
    } else if (ch === ":" && next === ":") {
      i += 2;
    } else if (ch === ":") {
      const found = matchPlaceholder(sql, i, variables);
      if (found) {
        out += sql.slice(copiedTo, i) + found.replacement;
        i += found.length;
        copiedTo = i;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return copiedTo === 0 ? sql : out + sql.slice(copiedTo);
}

/** psql's `variable_char`: letters, digits, underscore and any non-ASCII character. */
const variableName = /^[A-Za-z0-9_\u0080-\uffff]+/;

function matchPlaceholder(sql: string, colon: number, variables: Record<string, string>): { replacement: string; length: number } | null {
  const quote = sql[colon + 1];
  if (quote === "'" || quote === '"') {
    const name = variableName.exec(sql.slice(colon + 2))?.[0];
    if (!name || sql[colon + 2 + name.length] !== quote || !Object.hasOwn(variables, name)) return null;
    const value = variables[name] ?? "";
    return { replacement: quote === "'" ? quoteLiteral(value) : quoteIdentifier(value), length: name.length + 3 };
  }
  const name = variableName.exec(sql.slice(colon + 1))?.[0];
  if (!name || !Object.hasOwn(variables, name)) return null;
  return { replacement: variables[name] ?? "", length: name.length + 1 };
}

/**
 * psql's `:'NAME'` uses PQescapeLiteral: quotes doubled, and a value with backslashes becomes an
 * ` E'…'` string (leading space included) so it reads the same whatever standard_conforming_strings is.
 */
function quoteLiteral(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes("\\") ? ` E'${body.replace(/\\/g, "\\\\")}'` : `'${body}'`;
}

function quoteIdentifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function isIdentifierChar(ch: string | undefined): boolean {
  // `$` continues an identifier (`a$b`), so a `$` right after one never opens a dollar quote.
  return ch !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

/** `E'…'` (and `e'…'`) strings take backslash escapes, so `\'` does not end them. */
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1];
  return (prefix === "E" || prefix === "e") && !isIdentifierChar(sql[quote - 2]);
}

function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === "\\") i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/** PostgreSQL block comments nest: `/* a /* b *\/ c *\/` is one comment. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

const dollarTag = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

function skipDollarQuoted(sql: string, start: number): number {
  dollarTag.lastIndex = start;
  const tag = dollarTag.exec(sql)?.[0];
  if (!tag) return start + 1; // `$1` parameter or a lone `$`
  const end = sql.indexOf(tag, start + tag.length);
  return end === -1 ? sql.length : end + tag.length;
}
