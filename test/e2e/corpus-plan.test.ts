import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusRoot, corpusSetNames, hasCorpus, readCorpusSet } from "../support/corpus.js";
import { planCorpusSet } from "../support/corpus-plan.js";

const sets = corpusSetNames;

describe.skipIf(!hasCorpus)("plan on the real corpus sets", () => {
  it("knows every set of the corpus", () => {
    const folders = readdirSync(corpusRoot).filter((name) => existsSync(join(corpusRoot, name, "set.json")));
    expect(folders.sort()).toEqual(corpusSetNames);
  });

  it.each(sets)("%s plans with no finding (they apply cleanly, so any finding is a false positive)", async (name) => {
    const set = readCorpusSet(name);
    const plan = await planCorpusSet(set);
    expect(plan.findings).toEqual([]);
    expect(plan.migrations).toHaveLength(set.up.length);
    // The analysis sees the sets' structure: objects created and dependencies between migrations.
    expect(plan.migrations.reduce((count, migration) => count + migration.creates.length, 0)).toBeGreaterThan(set.up.length);
    if (set.up.length > 1) expect(plan.migrations.some((migration) => migration.requires.length > 0)).toBe(true);
  });

  it.each(["langfuse", "tastybytes-graphile"])("%s plans the same with its scripts parsed ahead on a second thread", async (name) => {
    const set = readCorpusSet(name);
    expect(await planCorpusSet(set, { parseAheadFrom: 0 })).toEqual(await planCorpusSet(set, { parseAheadFrom: Number.POSITIVE_INFINITY }));
  });

  it.each([
    ["onlook", "table auth.users"],
    ["tastybytes-graphile", "type app_public.citext"],
    ["stripe-sync-engine", "schema stripe"],
  ])("%s without its prelude reports what the prelude provides (%s)", async (name, object) => {
    const plan = await planCorpusSet({ ...readCorpusSet(name), prelude: [] });
    expect(plan.findings.length).toBeGreaterThan(0);
    expect(plan.findings.every((finding) => finding.kind === "unknown-reference")).toBe(true);
    expect(plan.findings.map((finding) => finding.message).join("\n")).toContain(object);
  });
});
