import { InputError } from "../errors/drydock-error.js";

/** A `-- drydock:allow <rule-id> <reason>` line. */
export interface AllowDirective {
  rule: string;
  reason: string;
  line: number;
}

/** A `-- drydock:expect-rows <schema.table> <change>` line. */
export interface ExpectRowsDirective {
  table: string;
  change: "-all" | "+any" | "-any";
  line: number;
}

/** The drydock directives of one script (SPEC §3). */
export interface Directives {
  requires: string[];
  noTransaction: boolean;
  allow: AllowDirective[];
  expectRows: ExpectRowsDirective[];
}

// Any name, so that a misspelt one (`no_transaction`, `No-Transaction`) is refused, not skipped.
const directiveLine = /^\s*--\s*drydock:(\S*)[ \t]*(.*?)\s*$/;
const knownDirectives = ["requires", "no-transaction", "allow", "expect-rows"];

/**
 * Reads the `-- drydock:<name>` comments at the top of a script: every line up to the first
 * one that is neither blank nor a comment. An unknown directive is an error, so a typo such as
 * `-- drydock:no-transacton` cannot silently change how a migration runs.
 */
export function readDirectives(file: string, sql: string): Directives {
  const directives: Directives = { requires: [], noTransaction: false, allow: [], expectRows: [] };
  const lines = sql.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const trimmed = text.trim();
    if (trimmed === "") continue;
    if (!trimmed.startsWith("--")) break;
    const match = directiveLine.exec(text);
    if (!match) continue;
    const [, name = "", argument = ""] = match;
    const line = i + 1;
    const where = { file, line, column: text.indexOf("--") + 1 };
    switch (name) {
      case "requires":
        directives.requires.push(...argument.split(/[,\s]+/).filter(Boolean));
        break;
      case "no-transaction":
        directives.noTransaction = true;
        break;
      case "allow": {
        const [rule = "", ...reason] = argument.split(/\s+/);
        directives.allow.push({ rule, reason: reason.join(" "), line });
        break;
      }
      case "expect-rows": {
        const [table = "", change = ""] = argument.split(/\s+/);
        if (change !== "-all" && change !== "+any" && change !== "-any") {
          throw new InputError(`-- drydock:expect-rows needs a table and one of -all, +any, -any (got "${argument}")`, {
            location: where,
            sourceLine: text,
            hint: "Example: -- drydock:expect-rows public.sessions -all",
          });
        }
        directives.expectRows.push({ table, change, line });
        break;
      }
      default:
        throw new InputError(`unknown directive drydock:${name}`, {
          location: where,
          sourceLine: text,
          hint: `Known directives: ${knownDirectives.map((known) => `drydock:${known}`).join(", ")}.`,
        });
    }
  }
  return directives;
}
