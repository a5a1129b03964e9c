/**
 * A list setting (`search_path`, `temp_tablespaces`…) as PostgreSQL reads it
 * (`SplitIdentifierString`): comma-separated names, unquoted ones folded to lower case, `""`
 * inside quotes standing for one quote.
 */
export function splitIdentifierList(setting: string): string[] {
  const names: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/gy;
  for (let match = pattern.exec(setting); match && match[0] !== ""; match = pattern.exec(setting)) {
    names.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] ?? "").toLowerCase());
  }
  return names;
}
