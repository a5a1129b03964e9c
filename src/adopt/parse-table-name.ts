import { InputError } from "../errors/drydock-error.js";

/** A table as `--table` names it. `schema` null: the first one found on the search path. */
export interface TableName {
  schema: string | null;
  name: string;
  /**
   * Names to accept for each part: a quoted part exactly as written; an unquoted one as written
   * and folded to lower case, as PostgreSQL folds it (some tools quote the name they were given,
   * so a mixed-case table can exist).
   */
  schemaSpellings: string[];
  nameSpellings: string[];
}

/**
 * Parses `--table <schema.table>` or `--table <table>`. Either part may be double-quoted, with
 * `""` for a quote inside, as in SQL: `"Ops"."flyway_history"`.
 */
export function parseTableName(text: string): TableName {
  const parts: { value: string; isQuoted: boolean }[] = [];
  let rest = text.trim();
  while (rest !== "") {
    const quoted = /^"((?:[^"]|"")+)"/.exec(rest);
    const plain = quoted ? null : /^[^".\s]+/.exec(rest);
    const token = quoted ?? plain;
    if (!token) break;
    parts.push(quoted ? { value: (quoted[1] ?? "").replace(/""/g, '"'), isQuoted: true } : { value: token[0], isQuoted: false });
    rest = rest.slice(token[0].length);
    if (rest === "") break;
    if (!rest.startsWith(".")) {
      rest = "?";
      break;
    }
    rest = rest.slice(1);
    if (rest === "") parts.push({ value: "", isQuoted: false });
  }
  const wellFormed = rest === "" && (parts.length === 1 || parts.length === 2) && parts.every((part) => part.value !== "");
  if (!wellFormed) {
    throw new InputError(`--table "${text}" is not a table name`, {
      hint: 'Write it as schema.table or table, e.g. --table public.flyway_schema_history (quote a part with "" if it needs it).',
    });
  }
  const spellings = (part: { value: string; isQuoted: boolean }) =>
    part.isQuoted ? [part.value] : [...new Set([part.value, part.value.toLowerCase()])];
  const [first, second] = parts as [{ value: string; isQuoted: boolean }, { value: string; isQuoted: boolean } | undefined];
  if (!second) return { schema: null, name: first.value, schemaSpellings: [], nameSpellings: spellings(first) };
  return { schema: first.value, name: second.value, schemaSpellings: spellings(first), nameSpellings: spellings(second) };
}
