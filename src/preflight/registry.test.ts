import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { preflightChecks } from "./registry.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const docs = readFileSync(`${root}docs/preflight.md`, "utf8");

/** The pre-flight ids, in registry order: contract (reports and `report.json` name them). */
const ids = [
  "preflight.connection",
  "preflight.extensions",
  "preflight.privileges",
  "preflight.search_path",
  "preflight.blocking_sessions",
  "preflight.long_transactions",
  "preflight.replication_lag",
  "preflight.checksums",
  "preflight.history",
];

/** `preflight.blocking_sessions` → `blocking-sessions` (the file) and `blockingSessions` (the export). */
const fileName = (id: string) => id.replace(/^preflight\./, "").replace(/_/g, "-");
const exportName = (id: string) => fileName(id).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

describe("pre-flight registry", () => {
  it("registers every pre-flight id once, in order", () => {
    const registered = preflightChecks.map((check) => check.id);
    expect(registered).toEqual(ids);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it.each(preflightChecks.map((check) => [check.id, check] as const))("%s has its file, export, test and docs section", (id, check) => {
    const source = `src/preflight/checks/${fileName(id)}.ts`;
    expect(existsSync(`${root}${source}`)).toBe(true);
    expect(readFileSync(`${root}${source}`, "utf8")).toContain(`export const ${exportName(id)}: PreflightCheck = {`);
    expect(existsSync(`${root}src/preflight/checks/${fileName(id)}.pg.test.ts`)).toBe(true);
    expect(docs).toContain(`## \`${id}\``);
    expect(check.description.length).toBeGreaterThan(10);
    expect(check.run).toBeTypeOf("function");
  });

  it("documents no check that is not registered", () => {
    const documented = [...docs.matchAll(/^## `(preflight\.[a-z_]+)`/gm)].map((match) => match[1]);
    expect(documented).toEqual(ids);
  });
});
