import { readFile } from "node:fs/promises";
import { parse as parseToml, TomlError } from "smol-toml";
import type { core } from "zod/mini";
import { InputError } from "../errors/drydock-error.js";
import { type Config, configSchema } from "./schema.js";

/**
 * Reads and validates drydock.toml. A TOML syntax error names file:line:column; an unknown key
 * or a wrong type names the key (`apply.lock_timeout`) and the file. `displayPath` is how the
 * file is named in messages.
 */
export async function loadConfig(path: string, displayPath: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new InputError(`cannot read the configuration file ${displayPath}`, {
      hint: "Check the path given with --config, or run drydock init.",
      cause,
    });
  }
  return parseConfig(text, displayPath);
}

/** Validates the text of a drydock.toml. */
export function parseConfig(text: string, displayPath: string): Config {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split("\n")[0] ?? error.message;
      throw new InputError(`${displayPath} is not valid TOML: ${firstLine}`, {
        location: { file: displayPath, line: error.line, column: error.column },
        sourceLine: text.split(/\r?\n/)[error.line - 1] ?? "",
        hint: "Fix the TOML syntax at this position (https://toml.io).",
      });
    }
    throw error;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw configErrorOf(result.error, displayPath);
  return result.data;
}

function configErrorOf(error: core.$ZodError, displayPath: string): InputError {
  const issue = error.issues[0];
  if (!issue) return new InputError(`${displayPath} is not a valid drydock configuration`);
  const where = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (where ? `${where}.${key}` : key));
    const plural = keys.length > 1 ? "s" : "";
    return new InputError(`${displayPath}: unknown key${plural} ${keys.join(", ")}`, {
      hint: "Check the spelling against the configuration reference (docs/configuration.md), or remove the key.",
    });
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? "s" : ""})` : "";
  return new InputError(`${displayPath}: ${where || "(top level)"}: ${issue.message}${more}`, {
    hint: "Fix this value; see docs/configuration.md for the expected types.",
  });
}
