import { type ProjectSqlFile, readProjectFiles } from "../config/read-project-files.js";
import type { Engine } from "../db/engine.js";
import { InputError } from "../errors/drydock-error.js";
import { extensionsCreated } from "../execute/prepare-migrations.js";
import type { Project } from "../model/project.js";
import { parseSql } from "../parse/parse-sql.js";
import { presetPreludes } from "./presets/preset-sql.js";
import { runSqlFile } from "./run-sql-file.js";

/** The preset's shims, then the project's prelude files: what a sandbox holds before any migration. */
export async function readPreludes(project: Project): Promise<ProjectSqlFile[]> {
  return [...presetPreludes(project.config.project.preset), ...(await readProjectFiles(project, "prelude"))];
}

/**
 * The extensions the preludes create: an embedded engine must be handed them when it opens, as
 * it is those of the migrations (a Supabase prelude creates `pgcrypto` in `extensions`).
 */
export async function extensionsOfPreludes(preludes: readonly ProjectSqlFile[]): Promise<string[]> {
  const scripts = await Promise.all(preludes.map(async (prelude) => ({ script: await parseSql(prelude.file, prelude.sql) })));
  return extensionsCreated(scripts);
}

/**
 * Runs the preludes in order on a fresh database. A failing one is bad input located in its file;
 * `hint` says what the failure stopped ("nothing was rehearsed").
 */
export async function runPreludes(engine: Engine, preludes: readonly ProjectSqlFile[], hint: string): Promise<void> {
  for (const prelude of preludes) {
    const failure = await runSqlFile(engine, prelude.file, prelude.sql);
    if (failure) {
      throw new InputError(`the prelude ${prelude.file} failed: ${failure.message} (${failure.sqlstate})`, {
        location: { file: failure.file, line: failure.line, column: failure.column },
        hint,
      });
    }
  }
}
