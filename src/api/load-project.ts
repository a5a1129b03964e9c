import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseEnv } from "node:util";
import { loadConfig } from "../config/load-config.js";
import { configSchema } from "../config/schema.js";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";

export interface LoadProjectOptions {
  /** Project root; default: the current directory. */
  dir?: string;
  /** Path of the configuration file; default: `<dir>/drydock.toml` when it exists. */
  config?: string;
  /** Environment variables; default: `process.env`. `.env` in the root fills in unset names. */
  environment?: Record<string, string | undefined>;
}

/** Finds and validates a project: drydock.toml (optional), `.env`, the migrations folder. */
export async function loadProject(options: LoadProjectOptions = {}): Promise<Project> {
  const root = resolve(options.dir ?? process.cwd());
  if (!existsSync(root)) {
    throw new InputError(`the project folder ${root} does not exist`, { hint: "Check --dir." });
  }
  const explicit = options.config !== undefined;
  const configFile = explicit ? resolve(root, options.config ?? "") : join(root, "drydock.toml");
  const hasConfig = explicit || existsSync(configFile);
  const display = relative(process.cwd(), configFile) || configFile;
  const config = hasConfig ? await loadConfig(configFile, display) : configSchema.parse({});
  const environment = { ...(await readDotEnv(root)), ...(options.environment ?? process.env) };
  const migrations = config.project.migrations;
  return {
    root,
    configFile: hasConfig ? configFile : null,
    config,
    migrationsDir: isAbsolute(migrations) ? migrations : join(root, migrations),
    environment,
  };
}

async function readDotEnv(root: string): Promise<Record<string, string>> {
  const path = join(root, ".env");
  if (!existsSync(path)) return {};
  try {
    return parseEnv(await readFile(path, "utf8")) as Record<string, string>;
  } catch (cause) {
    throw new InputError(`cannot read ${path}`, { hint: "Fix or remove the .env file.", cause });
  }
}
