import type { Config } from "../config/schema.js";

/** A drydock project: its folder, its validated configuration and where its migrations live. */
export interface Project {
  /** Absolute project root (the folder of drydock.toml, or --dir). */
  root: string;
  /** Absolute path of drydock.toml, or null when the project has none (all defaults). */
  configFile: string | null;
  config: Config;
  /** Absolute path of the migrations folder. */
  migrationsDir: string;
  /** Process environment overlaid on `.env`, for `${VAR}` expansion and DATABASE_URL. */
  environment: Record<string, string | undefined>;
}
