import { afterEach, beforeEach, expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../test/support/engines.js";
import type { Engine } from "../db/engine.js";
import { compareDigests, readCatalogDigest } from "./read-catalog-digest.js";

forEachEngine("readCatalogDigest", (newTarget) => {
  let target: TestTarget;
  let engine: Engine;
  beforeEach(async () => {
    target = await newTarget();
    engine = await target.open();
  });
  afterEach(async () => {
    await engine.close();
    await target.dispose();
  });

  it("tells what a change created, altered and dropped, under the plan's names", async () => {
    await engine.exec(`
      CREATE TABLE public.orgs (id bigint PRIMARY KEY, name text);
      CREATE TABLE public.gone (id int);
      CREATE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';`);
    const before = await readCatalogDigest(engine);
    await engine.exec(`
      ALTER TABLE public.orgs ALTER COLUMN name SET NOT NULL;
      ALTER TABLE public.orgs ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own ON public.orgs USING (id = 1);
      CREATE INDEX orgs_name_idx ON public.orgs (name);
      DROP TABLE public.gone;
      CREATE OR REPLACE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a + 1';`);
    const changes = compareDigests(before, await readCatalogDigest(engine));
    expect(changes).toEqual({
      created: ["index public.orgs_name_idx", "policy public.orgs.own"],
      altered: ["column public.orgs.name", "function public.f(a integer)", "table public.orgs"],
      dropped: ["column public.gone.id", "table public.gone"],
    });
  });

  it("sees no change when nothing changed, and leaves drydock's history out", async () => {
    await engine.exec("CREATE SCHEMA drydock; CREATE TABLE drydock.migrations (version text); CREATE TABLE public.t (id int);");
    const before = await readCatalogDigest(engine);
    await engine.exec("INSERT INTO public.t VALUES (1); ALTER TABLE drydock.migrations ADD COLUMN x int;");
    expect(compareDigests(before, await readCatalogDigest(engine))).toEqual({ created: [], altered: [], dropped: [] });
    expect([...before.keys()].some((key) => key.includes("drydock"))).toBe(false);
  });
});
