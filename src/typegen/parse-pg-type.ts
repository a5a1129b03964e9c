/** A type name as `format_type()` prints it, taken apart. */
export interface PgTypeName {
  /**
   * The schema, when the name is qualified. The snapshot reads the catalog with an empty
   * search_path, so `format_type` qualifies every type outside pg_catalog (`public.mood`,
   * `"My App"."Status"`) and leaves PostgreSQL's own types bare (`integer`, `"char"`).
   */
  schema: string | null;
  /**
   * The name without quotes and type modifiers, in the words `format_type` uses for built-in
   * types: `character varying`, `timestamp with time zone`, `interval`.
   */
  name: string;
  /** How many `[]` follow the name: `format_type` prints one pair per declared dimension. */
  arrayDepth: number;
}

/**
 * Takes apart a type as `format_type()` prints it: `character varying(80)`,
 * `timestamp(3) with time zone`, `numeric(10,2)[]`, `public.mood[]`, `"My App"."Status"`.
 */
export function parsePgType(text: string): PgTypeName {
  let rest = text.trim();
  let arrayDepth = 0;
  while (rest.endsWith("]")) {
    const open = rest.lastIndexOf("[");
    if (open < 0) break;
    rest = rest.slice(0, open).trimEnd();
    arrayDepth++;
  }
  const parts = splitQualifiedName(rest.replace(/\s*\([^()]*\)$/, ""));
  if (parts && (parts.length === 2 || rest.startsWith('"'))) {
    return { schema: parts.length === 2 ? (parts[0] ?? null) : null, name: parts[parts.length - 1] ?? "", arrayDepth };
  }
  // Built-in types carry their modifiers in the middle (`timestamp(3) with time zone`), and
  // `interval` its fields after the name (`interval year to month`): neither changes the TypeScript.
  const name = rest
    .replace(/\([^()]*\)/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  return { schema: null, name: name.startsWith("interval") ? "interval" : name, arrayDepth };
}

/**
 * The names of a dotted name as PostgreSQL prints it (`schema.table`, `"My Schema"."T"`), with
 * quotes removed and `""` turned back into `"`; null when the text is not such a name.
 */
export function splitQualifiedName(text: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let name = "";
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) return null;
        name += text.slice(i, close);
        i = close + 1;
        if (text[i] !== '"') break;
        name += '"';
        i++;
      }
      parts.push(name);
    } else {
      const match = /^[^".\s()]+/.exec(text.slice(i));
      if (!match) return null;
      parts.push(match[0]);
      i += match[0].length;
    }
    if (i === text.length) return parts;
    if (text[i] !== ".") return null;
    i++;
  }
  return null;
}
