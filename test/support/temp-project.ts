import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";

/** File contents by path relative to the folder (`/` separators): text, or raw bytes. */
export type FileTree = Record<string, string | Uint8Array>;

/** Writes files (path → content) into a new temporary folder and returns its path. */
export async function writeProject(files: FileTree): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "drydock-project-"));
  await writeFiles(dir, files);
  return dir;
}

/** Writes (or overwrites) files under a folder. */
export async function writeFiles(dir: string, files: FileTree): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, ...path.split("/"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Temporary projects for each test, removed after it: real files, never a mocked file system. */
export function useTempProjects(): (files: FileTree) => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (files) => {
    const dir = await writeProject(files);
    made.push(dir);
    return dir;
  };
}

/** Empty temporary folders for each test, removed after it. */
export function useTempDirs(): () => Promise<string> {
  const project = useTempProjects();
  return () => project({});
}

/** A temporary project with its `migrations/` folder (created even when no file goes in it). */
export interface TempMigrationProject {
  root: string;
  migrationsDir: string;
}

/** Like useTempProjects, giving the root and `<root>/migrations`: what discovery tests need. */
export function useTempMigrationProjects(): (files?: FileTree) => Promise<TempMigrationProject> {
  const make = useTempProjects();
  return async (files = {}) => {
    const root = await make(files);
    const migrationsDir = join(root, "migrations");
    await mkdir(migrationsDir, { recursive: true });
    return { root, migrationsDir };
  };
}
