import { readdirSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Project } from "../model/project.js";
import { cacheFormat } from "../plan/cache-format.js";
import { sha256 } from "../util/hash.js";

/**
 * A cheap fingerprint of every file a plan without a target reads: the project's resolved
 * configuration and each file's path, size and modification time (nanoseconds) under the
 * migrations folder, plus the preludes. Checking it costs one `stat` per file instead of reading
 * and hashing every migration. As with make and ESLint's default cache, a file rewritten to the
 * same size within the same time stamp would go unseen; `--no-cache` plans from the files.
 * Null when a file cannot be listed or stat'ed: the caller then plans the usual way.
 */
export function projectFileStamps(project: Project): string | null {
  const stamps: string[] = [];
  try {
    stampFolder(project.migrationsDir, stamps);
    for (const file of project.config.project.prelude) stampFile(isAbsolute(file) ? file : join(project.root, file), stamps);
  } catch {
    return null;
  }
  return sha256(JSON.stringify([cacheFormat, project.root, project.migrationsDir, project.config, stamps]));
}

function stampFolder(dir: string, stamps: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // A symbolic link is followed, as discovery follows it.
    const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && statSync(path).isDirectory());
    if (isFolder) stampFolder(path, stamps);
    else stampFile(path, stamps);
  }
}

function stampFile(path: string, stamps: string[]): void {
  const stat = statSync(path);
  // mtimeMs keeps the file system's sub-millisecond part as a fraction.
  stamps.push(`${path}\t${stat.size}\t${stat.mtimeMs}`);
}
