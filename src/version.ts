import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** drydock's own package.json: the nearest one above this module (in src/, dist/ or a bundle). */
function readOwnPackage(): { version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version: string };
      if (parsed.name === "drydock") return parsed;
    }
    const parent = dirname(dir);
    if (parent === dir) return { version: "0.0.0-unknown" };
    dir = parent;
  }
}

/** drydock's own version, from package.json (recorded in history and reports). */
export const toolVersion: string = readOwnPackage().version;
