import { existsSync, statSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { resolveTarget, type TargetChoice } from "../config/resolve-target.js";
import { rlsSchemasOf } from "../config/schema.js";
import { readServerVersion } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import { discoverMigrations } from "../discover/discover-migrations.js";
import { readMigrationFile } from "../discover/read-migration-file.js";
import { InputError } from "../errors/drydock-error.js";
import { findRule, rules } from "../lint/registry.js";
import { runRules } from "../lint/run-rules.js";
import type { LintFinding } from "../model/lint.js";
import type { Migration } from "../model/migration.js";
import type { Project } from "../model/project.js";
import { plan } from "./plan.js";

export interface LintOptions extends TargetChoice {
  /** Files and folders to lint instead of the project's migrations (no project needed). */
  paths?: string[];
  /** PostgreSQL major version for version-aware rules; else the target's, else `lint.server_version`. */
  serverVersion?: number;
  /** Read and write the plan's caches in `.drydock/cache/` for the project's migrations (default true). */
  cache?: boolean;
}

/** SPEC §4 `lint --format json`. */
export interface LintResult {
  findings: LintFinding[];
  server_version: number;
  files: number;
}

/**
 * Lints the project's migrations, or the given files and folders (SPEC §6). The project's
 * migrations are linted by the plan, which keeps the findings in its cache. A folder given is
 * read as a migrations folder (its format detected); a file as one plain SQL migration.
 */
export async function lint(project: Project, options: LintOptions = {}): Promise<LintResult> {
  const overrides = project.config.lint.rules;
  for (const id of Object.keys(overrides)) {
    if (!findRule(id))
      throw new InputError(`lint.rules.${id}: no lint rule has this id`, {
        hint: "See docs/rules/ or run drydock lint --explain <id> for the ids.",
      });
  }
  const serverMajor = options.serverVersion ?? (await targetMajor(project, options)) ?? project.config.lint.server_version;
  if (!options.paths || options.paths.length === 0) {
    // The project's migrations are linted as the plan lints them, with its caches and its
    // parsing on a second thread: unchanged files are linted from the cache.
    const lintSettings = { ...project.config.lint, server_version: serverMajor };
    const planned = await plan(
      { ...project, config: { ...project.config, lint: lintSettings } },
      { all: true, useTarget: false, lintFindings: true, cache: options.cache !== false },
    );
    return { findings: planned.lint_findings ?? [], server_version: serverMajor, files: planned.migrations.length };
  }
  const migrations = await migrationsAt(options.paths);
  const findings = await runRules({
    migrations,
    rules,
    overrides,
    serverMajor,
    rlsSchemas: rlsSchemasOf(project.config),
    searchPath: project.config.project.search_path,
  });
  return { findings, server_version: serverMajor, files: migrations.length };
}

async function migrationsAt(paths: readonly string[]): Promise<Migration[]> {
  const found: Migration[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    if (!existsSync(absolute)) throw new InputError(`${path} does not exist`, { hint: "Pass SQL files or folders of migrations." });
    if (statSync(absolute).isDirectory()) {
      const { migrations } = await discoverMigrations({ projectRoot: process.cwd(), migrationsDir: absolute });
      found.push(...migrations);
      continue;
    }
    const text = await readMigrationFile(absolute, process.cwd());
    const file = relative(process.cwd(), absolute) || basename(absolute);
    found.push({
      version: file,
      name: basename(absolute, ".sql"),
      kind: "versioned",
      format: "plain",
      up: { file, sql: text.source, formatAllowsTransaction: true },
      down: null,
      checksum: text.checksum,
    });
  }
  return found.map((migration) => ({ ...migration, version: `${dirname(migration.up.file)}/${migration.version}` }));
}

async function targetMajor(project: Project, options: TargetChoice): Promise<number | undefined> {
  if (options.url === undefined && options.env === undefined) return undefined;
  const engine = await openEngine(resolveTarget(project, options).target, { applicationName: "drydock lint" });
  try {
    return (await readServerVersion(engine)).major;
  } finally {
    await engine.close();
  }
}
