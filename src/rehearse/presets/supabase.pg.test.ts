import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { corpusProject, hasCorpus, readCorpusSet } from "../../../test/support/corpus.js";
import { corpusSearchPaths } from "../../../test/support/corpus-plan.js";
import { forEachEngine, type TestTarget } from "../../../test/support/engines.js";
import { apply } from "../../api/apply.js";
import type { Engine } from "../../db/engine.js";
import { discoverMigrations } from "../../discover/discover-migrations.js";
import { buildPlan } from "../../plan/build-plan.js";
import { presetPreludes } from "./preset-sql.js";

const alice = "11111111-1111-1111-1111-111111111111";
const bob = "22222222-2222-2222-2222-222222222222";

async function applyPreset(engine: Engine): Promise<void> {
  for (const prelude of presetPreludes("supabase")) await engine.exec(prelude.sql);
}

forEachEngine("supabase preset", (newTarget) => {
  let target: TestTarget | undefined;
  let engine: Engine;
  let isOpen = false;
  const openTarget = async (): Promise<TestTarget> => {
    target = await newTarget();
    engine = await target.open();
    isOpen = true;
    return target;
  };
  afterEach(async () => {
    if (isOpen) await engine.close();
    isOpen = false;
    await target?.dispose();
    target = undefined;
  });

  it("applies twice: every object is created only when missing", async () => {
    await openTarget();
    await applyPreset(engine);
    await applyPreset(engine);
    const [found] = await engine.query<Record<string, string | null>>(
      `SELECT to_regclass('auth.users')::text AS users, to_regclass('storage.objects')::text AS objects,
              to_regclass('storage.buckets')::text AS buckets, to_regprocedure('auth.uid()')::text AS uid,
              to_regprocedure('storage.foldername(text)')::text AS foldername`,
    );
    expect(found).toEqual({
      users: "auth.users",
      objects: "storage.objects",
      buckets: "storage.buckets",
      uid: "auth.uid()",
      foldername: "storage.foldername(text)",
    });
    const roles = await engine.query<{ rolname: string; rolbypassrls: boolean }>(
      "SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role') ORDER BY rolname",
    );
    expect(roles).toEqual([
      { rolname: "anon", rolbypassrls: false },
      { rolname: "authenticated", rolbypassrls: false },
      { rolname: "service_role", rolbypassrls: true },
    ]);
  });

  it("reads the JWT claims PostgREST sets, in both of its spellings", async () => {
    await openTarget();
    await applyPreset(engine);
    const read = () =>
      engine.query<{ uid: string | null; role: string | null; email: string | null; jwt: unknown }>(
        "SELECT auth.uid() AS uid, auth.role() AS role, auth.email() AS email, auth.jwt() AS jwt",
      );
    expect(await read()).toEqual([{ uid: null, role: null, email: null, jwt: null }]);
    const claims = { sub: alice, role: "authenticated", email: "alice@example.com" };
    await engine.query("SELECT set_config('request.jwt.claims', $1, false)", [JSON.stringify(claims)]);
    expect(await read()).toEqual([{ uid: alice, role: "authenticated", email: "alice@example.com", jwt: claims }]);
    // PostgREST before 9 set one setting per claim; it takes precedence, as on Supabase.
    await engine.query("SELECT set_config('request.jwt.claim.sub', $1, false)", [bob]);
    expect((await read())[0]?.uid).toBe(bob);
  });

  it("lets a policy on auth.uid() show each authenticated user only their own rows", async () => {
    await openTarget();
    await applyPreset(engine);
    // No GRANT: Supabase's default privileges in public give the table to the API roles.
    await engine.exec(`
      CREATE TABLE public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id uuid NOT NULL, body text);
      ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own_notes ON public.notes TO authenticated USING (user_id = auth.uid());
      INSERT INTO public.notes (user_id, body) VALUES ('${alice}', 'a1'), ('${alice}', 'a2'), ('${bob}', 'b1');`);
    const notesOf = async (sub: string) => {
      await engine.query("SELECT set_config('request.jwt.claims', $1, false)", [JSON.stringify({ sub, role: "authenticated" })]);
      await engine.exec("SET ROLE authenticated");
      try {
        return (await engine.query<{ body: string }>("SELECT body FROM public.notes ORDER BY body")).map((row) => row.body);
      } finally {
        await engine.exec("RESET ROLE");
      }
    };
    expect(await notesOf(alice)).toEqual(["a1", "a2"]);
    expect(await notesOf(bob)).toEqual(["b1"]);
    await engine.exec("SET ROLE service_role");
    expect(await engine.query("SELECT count(*)::int AS n FROM public.notes")).toEqual([{ n: 3 }]);
    await engine.exec("RESET ROLE");
  });

  it("gives storage policies their helpers", async () => {
    await openTarget();
    await applyPreset(engine);
    await engine.exec("INSERT INTO storage.buckets (id, name, public) VALUES ('avatars', 'avatars', true)");
    await engine.query("INSERT INTO storage.objects (bucket_id, name, owner) VALUES ('avatars', $1, $2)", [`${alice}/me.png`, alice]);
    const rows = await engine.query(
      "SELECT (storage.foldername(name))[1] AS folder, storage.filename(name) AS file, storage.extension(name) AS ext, path_tokens FROM storage.objects",
    );
    expect(rows).toEqual([{ folder: alice, file: "me.png", ext: "png", path_tokens: [alice, "me.png"] }]);
  });

  it.skipIf(!hasCorpus)("stands in for onlook's Supabase prelude: all its migrations apply after it", async () => {
    const { url } = await openTarget();
    await applyPreset(engine);
    await engine.close(); // PGlite: one session at a time, and apply opens its own
    isOpen = false;
    const set = readCorpusSet("onlook");
    const result = await apply(corpusProject(set), { url });
    expect(result.failed).toBeNull();
    expect(result.applied).toHaveLength(set.up.length);
  });
});

describe.skipIf(!hasCorpus)("supabase preset for planning", () => {
  it("stands in for onlook's Supabase prelude: its migrations plan with no finding", async () => {
    const set = readCorpusSet("onlook");
    const { migrations } = await discoverMigrations({ projectRoot: set.dir, migrationsDir: join(set.dir, "migrations"), variables: {} });
    const plan = await buildPlan({
      migrations,
      pending: null,
      preludes: presetPreludes("supabase"),
      searchPath: corpusSearchPaths.onlook ?? ["public"],
    });
    expect(plan.findings).toEqual([]);
  });

  it("has no prelude without a preset", () => {
    expect(presetPreludes("")).toEqual([]);
  });
});
