import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../test/support/engines.js";
import type { Engine } from "../db/engine.js";
import {
  type CatalogChanges,
  compareDigests,
  forgetPreparedDigests,
  readCatalogDigest,
  readCatalogState,
  readCatalogStateSince,
} from "./read-catalog-digest.js";

const none: CatalogChanges = { created: [], altered: [], dropped: [] };

/**
 * What `readCatalogStateSince` must find, inside the transaction of `change`, after `setup`:
 * each case also checks that it read incrementally or fell back to a full read, and that its
 * state equals a full read's in the same transaction.
 */
const incrementalCases: Array<{
  title: string;
  /** The change may deallocate drydock's prepared statements: forgetPreparedDigests first. */
  deallocates?: boolean;
  setup?: string;
  change: string;
  read: "incremental" | "full";
  changes: Partial<CatalogChanges>;
}> = [
  {
    title: "a column added, with a default",
    change: "ALTER TABLE public.orgs ADD COLUMN slug text DEFAULT 'x';",
    read: "incremental",
    changes: { created: ["column public.orgs.slug"] },
  },
  {
    title: "a column's default and NOT NULL changed",
    change: "ALTER TABLE public.orgs ALTER COLUMN name SET DEFAULT 'n'; ALTER TABLE public.orgs ALTER COLUMN name SET NOT NULL;",
    read: "incremental",
    changes: { altered: ["column public.orgs.name"] },
  },
  {
    title: "a policy changed",
    setup: "ALTER TABLE public.orgs ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON public.orgs USING (id = 1);",
    change: "ALTER POLICY own ON public.orgs USING (id = 2);",
    read: "incremental",
    changes: { altered: ["policy public.orgs.own"] },
  },
  {
    title: "a policy dropped and created again under its name",
    setup: "CREATE POLICY own ON public.orgs USING (id = 1);",
    change: "DROP POLICY own ON public.orgs; CREATE POLICY own ON public.orgs USING (id = 3);",
    read: "incremental",
    changes: { altered: ["policy public.orgs.own"] },
  },
  {
    title: "a table and a function given to another owner",
    change: "ALTER TABLE public.orgs OWNER TO pg_monitor; ALTER FUNCTION public.f(integer) OWNER TO pg_monitor;",
    read: "incremental",
    changes: { altered: ["function public.f(a integer)", "table public.orgs"] },
  },
  {
    title: "a function replaced",
    change: "CREATE OR REPLACE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a + 1';",
    read: "incremental",
    changes: { altered: ["function public.f(a integer)"] },
  },
  {
    title: "an enum value added",
    setup: "CREATE TYPE public.mood AS ENUM ('sad');",
    change: "ALTER TYPE public.mood ADD VALUE 'happy';",
    read: "incremental",
    changes: { altered: ["enum public.mood"] },
  },
  {
    title: "a table dropped, with its columns, constraints and indexes",
    change: "DROP TABLE public.gone;",
    read: "incremental",
    changes: { dropped: ["column public.gone.id", "constraint public.gone.gone_pkey", "index public.gone_pkey", "table public.gone"] },
  },
  {
    title: "an index created",
    change: "CREATE INDEX orgs_name_idx ON public.orgs (name);",
    read: "incremental",
    changes: { created: ["index public.orgs_name_idx"] },
  },
  {
    title: "a column dropped",
    change: "ALTER TABLE public.orgs DROP COLUMN name;",
    read: "incremental",
    changes: { dropped: ["column public.orgs.name"] },
  },
  {
    title: "a type created in a subtransaction (a DO block that catches duplicate_object)",
    change: "DO $$ BEGIN CREATE TYPE public.state AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
    read: "incremental",
    changes: { created: ["enum public.state"] },
  },
  {
    title: "a schema created and granted",
    change: "CREATE SCHEMA app; CREATE TABLE app.t (id int); GRANT CREATE ON SCHEMA public TO PUBLIC;",
    read: "incremental",
    changes: { created: ["column app.t.id", "schema app", "table app.t"], altered: ["schema public"] },
  },
  {
    title: "nothing but data",
    change: "INSERT INTO public.orgs VALUES (1, 'a');",
    read: "incremental",
    changes: {},
  },
  {
    title: "a column renamed, which a view prints (a full read)",
    setup: "CREATE VIEW public.names AS SELECT name FROM public.orgs;",
    change: "ALTER TABLE public.orgs RENAME COLUMN name TO title;",
    read: "full",
    changes: { created: ["column public.orgs.title"], altered: ["view public.names"], dropped: ["column public.orgs.name"] },
  },
  {
    title: "an enum value renamed, which a default prints (a full read)",
    setup: "CREATE TYPE public.mood AS ENUM ('sad'); ALTER TABLE public.orgs ADD COLUMN mood public.mood DEFAULT 'sad';",
    change: "ALTER TYPE public.mood RENAME VALUE 'sad' TO 'blue';",
    read: "full",
    changes: { altered: ["column public.orgs.mood", "enum public.mood"] },
  },
  {
    title: "a migration that deallocates every prepared statement",
    deallocates: true,
    change: "DEALLOCATE ALL; CREATE TABLE public.after_deallocate (id int);",
    read: "incremental",
    changes: { created: ["column public.after_deallocate.id", "table public.after_deallocate"] },
  },
];

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

  describe("readCatalogStateSince, inside the change's transaction", () => {
    it.each(incrementalCases)("$title", async ({ setup, deallocates, change, read, changes }) => {
      await engine.exec(`
        CREATE TABLE public.orgs (id bigint PRIMARY KEY, name text);
        CREATE TABLE public.gone (id int PRIMARY KEY);
        CREATE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
        ${setup ?? ""}`);
      const before = await readCatalogState(engine);
      if (deallocates) forgetPreparedDigests(engine);
      await engine.exec(`BEGIN; ${change}`);
      const since = await readCatalogStateSince(engine, before);
      const full = await readCatalogState(engine);
      await engine.exec("COMMIT");
      expect(since.read).toBe(read);
      expect(compareDigests(before.digest, since.digest)).toEqual({ ...none, ...changes });
      expect(since.digest).toEqual(full.digest);
      expect(since.identities).toEqual(full.identities);
      expect(since.digest).toEqual(await readCatalogDigest(engine));
    });

    it("follows a run of transactions, each read from the previous state", async () => {
      await engine.exec("CREATE TABLE public.orgs (id bigint PRIMARY KEY, name text);");
      let state = await readCatalogState(engine);
      const steps = [
        "CREATE TABLE public.projects (id int PRIMARY KEY, org_id bigint REFERENCES public.orgs);",
        "CREATE INDEX projects_org_idx ON public.projects (org_id); ALTER TABLE public.orgs ADD COLUMN slug text;",
        "ALTER TABLE public.projects DROP CONSTRAINT projects_org_id_fkey;",
        "DROP TABLE public.projects;",
      ];
      const seen: CatalogChanges[] = [];
      for (const step of steps) {
        await engine.exec(`BEGIN; ${step}`);
        const next = await readCatalogStateSince(engine, state);
        await engine.exec("COMMIT");
        expect(next.read).toBe("incremental");
        seen.push(compareDigests(state.digest, next.digest));
        state = next;
      }
      expect(seen).toEqual([
        {
          ...none,
          created: [
            "column public.projects.id",
            "column public.projects.org_id",
            "constraint public.projects.projects_org_id_fkey",
            "constraint public.projects.projects_pkey",
            "index public.projects_pkey",
            "table public.projects",
          ],
        },
        { ...none, created: ["column public.orgs.slug", "index public.projects_org_idx"] },
        { ...none, dropped: ["constraint public.projects.projects_org_id_fkey"] },
        {
          ...none,
          dropped: [
            "column public.projects.id",
            "column public.projects.org_id",
            "constraint public.projects.projects_pkey",
            "index public.projects_org_idx",
            "index public.projects_pkey",
            "table public.projects",
          ],
        },
      ]);
      expect(state.digest).toEqual(await readCatalogDigest(engine));
    });
  });
});
