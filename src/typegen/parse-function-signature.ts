/** One argument of a function, as `pg_get_function_arguments()` prints it. */
export interface FunctionArgument {
  /** `table` for a column of `RETURNS TABLE (…)`. */
  mode: "in" | "out" | "inout" | "variadic" | "table";
  /** Null for an unnamed argument. */
  name: string | null;
  /** As `format_type()` prints it; a variadic argument's is the array type. */
  type: string;
  hasDefault: boolean;
}

/** What a function returns, as `pg_get_function_result()` prints it. */
export interface FunctionResult {
  /** `SETOF …` and `TABLE (…)`: a set of rows. */
  isSet: boolean;
  /** The type returned (`record` for `TABLE (…)`). */
  type: string;
  /** The columns of `RETURNS TABLE (…)`, else null. */
  columns: FunctionArgument[] | null;
}

/**
 * Multi-word names of built-in types: an unnamed argument of one of these must not be read as a
 * name and a type. Arguments carry no type modifiers, so these are the only forms.
 */
const multiWordType = /^(double precision|character varying|bit varying|(time|timestamp) with(out)? time zone)(\[\])*$/;

/**
 * The arguments of `pg_get_function_arguments()`: `a integer, b text DEFAULT 'x'::text`,
 * `OUT total bigint`, `VARIADIC ids integer[]`, or unnamed ones (`integer, text`). Modes are
 * printed in upper case and names quoted when they need it (`quote_identifier`), so an upper-case
 * mode word is never a name.
 */
export function parseFunctionArguments(text: string, mode?: "table"): FunctionArgument[] {
  return splitTopLevel(text, ",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => parseArgument(part, mode));
}

/** `integer`, `SETOF public.users`, `TABLE(id bigint, name text)`. */
export function parseFunctionResult(text: string): FunctionResult {
  const trimmed = text.trim();
  const table = /^TABLE\s*\((.*)\)$/s.exec(trimmed);
  if (table) return { isSet: true, type: "record", columns: parseFunctionArguments(table[1] ?? "", "table") };
  const set = /^SETOF\s+(.*)$/s.exec(trimmed);
  return { isSet: set !== null, type: set ? (set[1] ?? "") : trimmed, columns: null };
}

function parseArgument(text: string, tableMode?: "table"): FunctionArgument {
  let rest = text;
  const defaultAt = indexOfTopLevel(rest, " DEFAULT ");
  const hasDefault = defaultAt >= 0;
  if (hasDefault) rest = rest.slice(0, defaultAt).trim();
  let mode: FunctionArgument["mode"] = tableMode ?? "in";
  const modeWord = /^(IN|OUT|INOUT|VARIADIC)\s+/.exec(rest);
  if (modeWord && !tableMode) {
    mode = (modeWord[1] ?? "IN").toLowerCase() as FunctionArgument["mode"];
    rest = rest.slice(modeWord[0].length);
  }
  const [name, type] = splitNameAndType(rest);
  return { mode, name, type, hasDefault };
}

/** `name type`, or a type alone. */
function splitNameAndType(text: string): [string | null, string] {
  if (text.startsWith('"')) {
    const end = endOfQuotedName(text);
    if (text[end] === "." || end >= text.length) return [null, text];
    return [text.slice(1, end - 1).replace(/""/g, '"'), text.slice(end).trim()];
  }
  const space = text.search(/\s/);
  if (space < 0 || multiWordType.test(text)) return [null, text];
  const first = text.slice(0, space);
  // An unquoted name never holds a dot or a parenthesis: this is a qualified or modified type.
  if (/[.(]/.test(first)) return [null, text];
  return [first, text.slice(space).trim()];
}

/** Where a quoted name that starts `text` ends (just past its closing quote). */
function endOfQuotedName(text: string): number {
  let i = 1;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close < 0) return text.length;
    if (text[close + 1] !== '"') return close + 1;
    i = close + 2;
  }
}

/** Splits on `separator` outside parentheses, brackets and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scanTopLevel(text, (i) => {
    if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  parts.push(text.slice(start));
  return parts;
}

function indexOfTopLevel(text: string, needle: string): number {
  let found = -1;
  scanTopLevel(text, (i) => {
    if (text.startsWith(needle, i)) found = i;
    return found >= 0;
  });
  return found;
}

/**
 * Calls `visit` with every index outside parentheses, brackets and quoted text (`'…'` literals,
 * `"…"` names; a doubled quote closes and reopens, which reads the same), until it returns true.
 */
function scanTopLevel(text: string, visit: (index: number) => boolean): void {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (depth === 0 && visit(i)) return;
  }
}
