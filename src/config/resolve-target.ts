import { relative } from "node:path";
import { parseTargetUrl, type Target } from "../db/target-url.js";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";
import { expandVariables } from "./expand-variables.js";

export interface TargetChoice {
  /** `--env NAME`: an environment of drydock.toml. */
  env?: string;
  /** `--url URL`: overrides the environment's URL. */
  url?: string;
}

export interface ResolvedTarget {
  target: Target;
  /** The environment's name, or "default" when none was chosen. */
  envName: string;
}

/**
 * Chooses the database a command works on: `--url`, else the environment's `url`, else
 * `DATABASE_URL` (SPEC §4). An unknown environment or no URL at all is bad input.
 */
export function resolveTarget(project: Project, choice: TargetChoice): ResolvedTarget {
  const configName = project.configFile ? relative(process.cwd(), project.configFile) || project.configFile : "drydock.toml";
  let envUrl: string | undefined;
  if (choice.env !== undefined) {
    const env = project.config.env[choice.env];
    if (!env) {
      const known = Object.keys(project.config.env);
      throw new InputError(`no environment "${choice.env}" in ${configName}`, {
        hint: known.length > 0 ? `Known environments: ${known.join(", ")}.` : `Add an [env.${choice.env}] table with a url.`,
      });
    }
    if (env.url !== undefined && choice.url === undefined) {
      envUrl = expandVariables(env.url, `env.${choice.env}.url`, configName, project.environment);
    }
  }
  const url = choice.url ?? envUrl ?? project.environment.DATABASE_URL;
  if (!url) {
    throw new InputError("no database to work on", {
      hint: "Pass --url postgres://… (or pglite:memory), choose --env NAME from drydock.toml, or set DATABASE_URL.",
    });
  }
  return { target: parseTargetUrl(url, project.root), envName: choice.env ?? "default" };
}
