import { readdirSync, rmSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces a cache file atomically (a reader sees the old file or the new one, never half of
 * one), then removes the same cache's files of other drydock versions: `<kind>-<version>.<ext>`
 * next to it, where `kind` is what the name starts with up to its first "-".
 */
export async function replaceCacheFile(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
  const kind = `${basename(file).slice(0, basename(file).indexOf("-"))}-`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(kind) && name !== basename(file) && !name.endsWith(".tmp")) rmSync(join(dir, name), { force: true });
  }
}
