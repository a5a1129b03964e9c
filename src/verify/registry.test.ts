import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checks } from "./registry.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The check ids of SPEC §7 that the suite runs (`rollback.roundtrip` is the rehearsal's drill): contract. */
const specIds = [
  "history.consistent",
  "objects.expected",
  "rls.enabled",
  "rls.policies",
  "rls.isolation",
  "fk.orphans",
  "fk.indexed",
  "indexes.valid",
  "data.row_counts",
  "data.invariants",
  "perf.budget",
];

/** `data.row_counts` → `data-row-counts` (the file) and `dataRowCounts` (the export). */
const fileName = (id: string) => id.replace(/[._]/g, "-");
const exportName = (id: string) => fileName(id).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

describe("check registry", () => {
  it("registers every check id of SPEC §7 once, in the spec's order", () => {
    const ids = checks.map((check) => check.id);
    expect(ids).toEqual(specIds);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(checks.map((check) => [check.id, check] as const))("%s has its file, export, test and docs page", (id, check) => {
    const source = `src/verify/checks/${fileName(id)}.ts`;
    expect(existsSync(`${root}${source}`)).toBe(true);
    expect(readFileSync(`${root}${source}`, "utf8")).toContain(`export const ${exportName(id)}: Check = {`);
    expect(existsSync(`${root}src/verify/checks/${fileName(id)}.pg.test.ts`)).toBe(true);
    expect(existsSync(`${root}docs/checks/${id}.md`)).toBe(true);
    expect(check.description.length).toBeGreaterThan(10);
    expect(check.run).toBeTypeOf("function");
  });
});
