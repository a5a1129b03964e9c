import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";

/** A SQL file named in drydock.toml, with its path relative to the project root. */
export interface ProjectSqlFile {
  file: string;
  sql: string;
}

/** Reads the files of `project.prelude` or `project.seed`; a missing one is bad input naming the key. */
export async function readProjectFiles(project: Project, key: "prelude" | "seed"): Promise<ProjectSqlFile[]> {
  return Promise.all(
    project.config.project[key].map(async (file) => {
      const path = isAbsolute(file) ? file : join(project.root, file);
      try {
        return { file: relative(project.root, path) || file, sql: await readFile(path, "utf8") };
      } catch (cause) {
        throw new InputError(`cannot read the ${key} file ${file} (project.${key})`, { hint: "Fix the path in drydock.toml.", cause });
      }
    }),
  );
}
