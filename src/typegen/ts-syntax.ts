/**
 * A property name as TypeScript reads it: bare when it is an identifier (reserved words are
 * valid property names), else a string literal. PostgreSQL names may hold spaces, dashes,
 * quotes or start with a digit, none of which a bare key allows.
 */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : stringLiteral(name);
}

/**
 * A TypeScript string literal type (or value) of `text`, double-quoted. JSON escapes are
 * TypeScript escapes; U+2028 and U+2029, legal in JSON text, are escaped too for older parsers.
 */
export function stringLiteral(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** `A[]`, with parentheses around a union so that `[]` applies to all of it. */
export function arrayOf(element: string): string {
  return hasTopLevelUnion(element) ? `(${element})[]` : `${element}[]`;
}

function hasTopLevelUnion(type: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < type.length; i++) {
    const char = type[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(" || char === "{" || char === "[" || char === "<") depth++;
    else if (char === ")" || char === "}" || char === "]" || char === ">") depth--;
    else if (char === "|" && depth === 0) return true;
  }
  return false;
}
