import type { LineIndex } from "../util/line-index.js";
import { doBlockAsFunction, loadedParser, type ParsedStatement } from "./parse-sql.js";
import { SqlSyntaxError } from "./sql-syntax-error.js";

interface DefElem {
  DefElem?: { defname?: string; arg?: { String?: { sval?: string } } | { List?: { items?: Array<{ String?: { sval?: string } }> } } };
}

/** The PL/pgSQL body of a CREATE FUNCTION … LANGUAGE plpgsql or a DO block, or null. */
function plpgsqlBody(node: Record<string, unknown>): string | null {
  const definitions = ((node.CreateFunctionStmt as { options?: DefElem[] } | undefined)?.options ??
    (node.DoStmt as { args?: DefElem[] } | undefined)?.args ??
    null) as DefElem[] | null;
  if (!definitions) return null;
  const option = (name: string) => definitions.find((definition) => definition.DefElem?.defname === name)?.DefElem?.arg;
  const language = (option("language") as { String?: { sval?: string } } | undefined)?.String?.sval ?? (node.DoStmt ? "plpgsql" : "sql");
  if (language.toLowerCase() !== "plpgsql") return null;
  const body = option("as") as { String?: { sval?: string }; List?: { items?: Array<{ String?: { sval?: string } }> } } | undefined;
  return body?.String?.sval ?? body?.List?.items?.[0]?.String?.sval ?? null;
}

/**
 * Parses every PL/pgSQL body with PostgreSQL's PL/pgSQL parser, as CREATE FUNCTION and DO do
 * when they run, so a syntax error in a body stops the run before anything is applied. The
 * parser gives no position, only PostgreSQL's message ("syntax error at or near "X""): the
 * error is placed at the first occurrence of X in the body outside comments and strings (at the
 * body's end for "at end of input"). Other parser complaints ("Not implemented" for `%TYPE`,
 * which needs the catalog) are left to PostgreSQL itself. A body that parses keeps its tree on
 * the statement (`plpgsqlTree`) for the analysis.
 */
export function checkPlpgsqlBodies(file: string, statements: readonly ParsedStatement[], lines: LineIndex): void {
  for (const statement of statements) {
    const body = plpgsqlBody(statement.node);
    if (body === null) continue;
    const source = statement.node.DoStmt ? doBlockAsFunction(body) : statement.sql;
    try {
      statement.plpgsqlTree = loadedParser().parsePlPgSQLSync(source);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!message.startsWith("syntax error")) continue;
      const bodyStart = statement.sql.indexOf(body);
      const offset = bodyStart >= 0 ? bodyStart + offsetOfError(body, message) : 0;
      const at = lines.locateUnit(statement.startUnit + offset);
      throw new SqlSyntaxError(
        `PL/pgSQL ${message}`,
        { file, ...at },
        lines.lineText(at.line),
        "PostgreSQL parses a PL/pgSQL body when CREATE FUNCTION or DO runs: fix the body. Nothing was applied.",
      );
    }
  }
}

/** Where in the body the token named by the message stands. */
function offsetOfError(body: string, message: string): number {
  const masked = body.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, (text) => " ".repeat(text.length));
  const near = /at or near "(.*)"$/s.exec(message)?.[1];
  if (near) {
    const escaped = near.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = /^\w+$/.test(near) ? new RegExp(`\\b${escaped}\\b`, "i") : new RegExp(escaped, "i");
    const found = pattern.exec(masked);
    if (found) return found.index;
  }
  return masked.trimEnd().length; // "at end of input"
}
