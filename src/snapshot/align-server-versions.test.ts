import { beforeAll, describe, expect, it } from "vitest";
import { emptySnapshot, snapshotSource, tableSnapshot, viewSnapshot } from "../../test/support/snapshot-builders.js";
import type { Snapshot } from "../model/snapshot.js";
import { loadParser } from "../parse/parse-sql.js";
import { alignServerVersions, unqualifiedViewDefinition } from "./align-server-versions.js";
import { compareSnapshots } from "./compare-snapshots.js";

beforeAll(() => loadParser());

const onServer = (num: number, parts: Partial<Snapshot>): Snapshot =>
  emptySnapshot({ source: snapshotSource({ server_version: `${Math.floor(num / 10000)}.0`, server_version_num: num }), ...parts });

describe("unqualifiedViewDefinition", () => {
  it("drops the qualifiers of a single-relation view as PostgreSQL 16+ prints it (marquez, PostgreSQL 15 against 17)", () => {
    const on15 = ` SELECT date_trunc('hour'::text, lineage_events.event_time) AS start_interval,
    count(*) FILTER (WHERE lineage_events.event_type = 'FAIL'::text) AS fail
   FROM public.lineage_events
  GROUP BY (date_trunc('hour'::text, lineage_events.event_time));`;
    const on17 = ` SELECT date_trunc('hour'::text, event_time) AS start_interval,
    count(*) FILTER (WHERE event_type = 'FAIL'::text) AS fail
   FROM public.lineage_events
  GROUP BY (date_trunc('hour'::text, event_time));`;
    expect(unqualifiedViewDefinition(on15)).toBe(on17);
    expect(unqualifiedViewDefinition(on17)).toBe(on17);
  });

  it("drops aliases and quoted qualifiers, after multibyte text, in every clause of the top level", () => {
    expect(
      unqualifiedViewDefinition(` SELECT 'é→'::text AS arrow, "Odd ""T""".x
   FROM app."Odd ""T"""
  WHERE ("Odd ""T""".x > 0)
  ORDER BY "Odd ""T""".x;`),
    ).toBe(` SELECT 'é→'::text AS arrow, x
   FROM app."Odd ""T"""
  WHERE (x > 0)
  ORDER BY x;`);
    expect(unqualifiedViewDefinition(" SELECT p.id,\n    p.name\n   FROM app.projects p;")).toBe(
      " SELECT id,\n    name\n   FROM app.projects p;",
    );
  });

  it("keeps the qualifiers of joins, several relations, subqueries and unions, which every version prints", () => {
    const kept = [
      " SELECT p.id,\n    o.name\n   FROM (app.projects p\n     JOIN app.orgs o ON ((o.id = p.org_id)));",
      " SELECT p.id\n   FROM app.projects p,\n    app.orgs o;",
      " SELECT projects.id\n   FROM app.projects\nUNION\n SELECT orgs.id\n   FROM app.orgs;",
      " WITH x AS (\n         SELECT projects.id\n           FROM app.projects\n        )\n SELECT 1 AS one;",
    ];
    for (const definition of kept) expect(unqualifiedViewDefinition(definition)).toBe(definition);
    expect(
      unqualifiedViewDefinition(
        " SELECT p.id,\n    (EXISTS ( SELECT 1\n           FROM app.orgs o\n          WHERE (o.id = p.org_id))) AS has_org\n   FROM app.projects p\n  WHERE (p.id IN ( SELECT orgs.id\n           FROM app.orgs));",
      ),
    ).toBe(
      " SELECT id,\n    (EXISTS ( SELECT 1\n           FROM app.orgs o\n          WHERE (o.id = p.org_id))) AS has_org\n   FROM app.projects p\n  WHERE (id IN ( SELECT orgs.id\n           FROM app.orgs));",
    );
  });

  it("gives back text that does not parse unchanged", () => {
    expect(unqualifiedViewDefinition("SELECT FROM WHERE (")).toBe("SELECT FROM WHERE (");
  });
});

describe("alignServerVersions", () => {
  const grants = [
    { grantee: "anon", privilege: "MAINTAIN", grantable: false },
    { grantee: "anon", privilege: "SELECT", grantable: false },
  ];
  const qualified = " SELECT projects.id\n   FROM app.projects;";
  const unqualified = " SELECT id\n   FROM app.projects;";

  it("takes out what PostgreSQL 16 and 17 print and grant differently from 15", async () => {
    const on15 = onServer(150004, {
      tables: [tableSnapshot("projects", { grants: grants.slice(1) })],
      views: [viewSnapshot("ids", qualified)],
    });
    const on17 = onServer(170005, { tables: [tableSnapshot("projects", { grants })], views: [viewSnapshot("ids", unqualified)] });
    expect(compareSnapshots(on15, on17).map((d) => `${d.change} ${d.kind} ${d.name} ${d.attribute ?? ""}`.trim())).toEqual([
      "changed view app.ids definition",
      "extra grant app.projects: MAINTAIN to anon",
    ]);
    const [a, b] = await alignServerVersions(on15, on17);
    expect(compareSnapshots(a, b)).toEqual([]);
    expect(b.tables[0]?.grants.map((grant) => grant.privilege)).toEqual(["SELECT"]);
    expect(a.views[0]?.definition).toBe(unqualified);
  });

  it("leaves snapshots of one version, or of two on the same side of a change, as they are", async () => {
    const on17 = onServer(170005, { tables: [tableSnapshot("projects", { grants })], views: [viewSnapshot("ids", qualified)] });
    const on16 = onServer(160002, {
      tables: [tableSnapshot("projects", { grants: grants.slice(1) })],
      views: [viewSnapshot("ids", unqualified)],
    });
    const [a, b] = await alignServerVersions(on17, on17);
    expect([a, b]).toEqual([on17, on17]);
    // 16 and 17 print views alike: a qualified definition on one of them is a real difference.
    const [c, d] = await alignServerVersions(on16, on17);
    expect(c.views).toEqual(on16.views);
    expect(d.views).toEqual(on17.views);
    expect(d.tables[0]?.grants.map((grant) => grant.privilege)).toEqual(["SELECT"]);
  });
});
