import type { FunctionSnapshot, Snapshot } from "../model/snapshot.js";

/**
 * Routines both snapshots have (same signature) that `CREATE OR REPLACE` cannot turn into `to`'s,
 * by their signature. PostgreSQL refuses to change a function's result type (its OUT parameters
 * and RETURNS TABLE columns included), to rename a parameter or change its mode, to remove a
 * parameter's default, and to change a routine's kind (a function into a procedure or a window
 * function, say). The diff drops these and creates them again. Aggregates are left out:
 * `CREATE OR REPLACE AGGREGATE` has its own rules (aggregate-statements.ts).
 */
export function routinesToRecreate(from: Snapshot, to: Snapshot): Set<string> {
  const before = new Map(from.functions.map((fn) => [fn.signature, fn]));
  const recreate = new Set<string>();
  for (const fn of to.functions) {
    const was = before.get(fn.signature);
    if (!was || was.kind === "aggregate" || fn.kind === "aggregate") continue;
    if (cannotReplace(was, fn)) recreate.add(fn.signature);
  }
  return recreate;
}

function cannotReplace(was: FunctionSnapshot, fn: FunctionSnapshot): boolean {
  if (was.kind !== fn.kind) return true;
  if ((was.result ?? "") !== (fn.result ?? "")) return true;
  const before = splitArguments(was.arguments);
  const after = splitArguments(fn.arguments);
  if (before.length !== after.length) return true;
  return before.some((argument, index) => {
    const other = after[index];
    return !other || argument.declaration !== other.declaration || (argument.hasDefault && !other.hasDefault);
  });
}

interface Argument {
  /** Mode, name and type, as pg_get_function_arguments prints them, without the default. */
  declaration: string;
  hasDefault: boolean;
}

/**
 * The arguments of `pg_get_function_arguments()` (`p_id uuid, p_tags text[] DEFAULT '{a,b}'::text[]`),
 * split at the commas outside parentheses, quotes and double quotes, each without its default.
 */
export function splitArguments(text: string): Argument[] {
  const parts: { text: string; defaultAt: number }[] = [];
  let depth = 0;
  let quote: "'" | '"' | null = null;
  let start = 0;
  let defaultAt = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      // A doubled quote inside a quoted part is the quote itself; the part goes on.
      if (char === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (depth === 0 && defaultAt < 0 && text.startsWith(" DEFAULT ", i)) defaultAt = i - start;
    else if (depth === 0 && char === ",") {
      parts.push({ text: text.slice(start, i), defaultAt });
      start = i + 1;
      defaultAt = -1;
    }
  }
  if (text.trim() !== "") parts.push({ text: text.slice(start), defaultAt });
  return parts.map((part) => ({
    declaration: (part.defaultAt >= 0 ? part.text.slice(0, part.defaultAt) : part.text).trim(),
    hasDefault: part.defaultAt >= 0,
  }));
}
