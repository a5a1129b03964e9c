import { expect, it } from "vitest";
import { forEachEngine } from "../../test/support/engines.js";
import { compareSnapshots, snapshotsEqual } from "./compare-snapshots.js";
import { takeSnapshot } from "./take-snapshot.js";

const schema = `
CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text NOT NULL, plan text DEFAULT 'free');
ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON public.accounts FOR SELECT USING (id > 0);
INSERT INTO public.accounts VALUES (1, 'a@example.com', 'free');`;

const change = `
ALTER TABLE public.accounts ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE public.accounts ALTER COLUMN plan SET DEFAULT 'trial';
DROP POLICY accounts_own ON public.accounts;
CREATE INDEX accounts_email_idx ON public.accounts (email);
INSERT INTO public.accounts (id, email) VALUES (2, 'b@example.com');`;

/** What a down migration of `change` would run. */
const revert = `
DROP INDEX public.accounts_email_idx;
CREATE POLICY accounts_own ON public.accounts FOR SELECT USING (id > 0);
ALTER TABLE public.accounts ALTER COLUMN plan SET DEFAULT 'free';
ALTER TABLE public.accounts DROP COLUMN created_at;`;

forEachEngine("compareSnapshots on a real database", (newTarget) => {
  it("reports what a migration changed, and nothing once it is reverted", async () => {
    const target = await newTarget();
    const engine = await target.open();
    try {
      await engine.exec(schema);
      const before = await takeSnapshot(engine, { schemas: ["public"], exactCounts: true });
      await engine.exec(change);
      const after = await takeSnapshot(engine, { schemas: ["public"], exactCounts: true });

      expect(compareSnapshots(before, after)).toEqual([
        { kind: "policy", name: "public.accounts.accounts_own", change: "missing" },
        { kind: "column", name: "public.accounts.created_at", change: "extra" },
        {
          kind: "column",
          name: "public.accounts.plan",
          change: "changed",
          attribute: "default",
          before: "'free'::text",
          after: "'trial'::text",
        },
        { kind: "index", name: "public.accounts_email_idx", change: "extra" },
      ]);
      expect(compareSnapshots(after, before).map((difference) => `${difference.change} ${difference.kind} ${difference.name}`)).toEqual([
        "extra policy public.accounts.accounts_own",
        "missing column public.accounts.created_at",
        "changed column public.accounts.plan",
        "missing index public.accounts_email_idx",
      ]);

      await engine.exec(revert);
      const reverted = await takeSnapshot(engine, { schemas: ["public"], exactCounts: true });
      expect(reverted.statistics.relations[0]?.row_count).toBe(2); // the data changed, the catalog did not
      expect(compareSnapshots(before, reverted)).toEqual([]);
      expect(snapshotsEqual(before, reverted)).toBe(true);
    } finally {
      await engine.close();
      await target.dispose();
    }
  });

  it("sees a column re-added at the end, unless column order is ignored", async () => {
    const target = await newTarget();
    const engine = await target.open();
    try {
      await engine.exec(schema);
      const before = await takeSnapshot(engine, { schemas: ["public"] });
      await engine.exec(
        "ALTER TABLE public.accounts DROP COLUMN email; ALTER TABLE public.accounts ADD COLUMN email text NOT NULL DEFAULT ''",
      );
      await engine.exec("ALTER TABLE public.accounts ALTER COLUMN email DROP DEFAULT");
      const after = await takeSnapshot(engine, { schemas: ["public"] });
      expect(compareSnapshots(before, after)).toEqual([
        { kind: "column", name: "public.accounts.email", change: "changed", attribute: "position", before: 2, after: 3 },
        { kind: "column", name: "public.accounts.plan", change: "changed", attribute: "position", before: 3, after: 2 },
      ]);
      expect(compareSnapshots(before, after, { ignoreColumnOrder: true })).toEqual([]);
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});
