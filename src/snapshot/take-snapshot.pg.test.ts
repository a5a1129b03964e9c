import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTarget, forEachEngine, type TestTarget } from "../../test/support/engines.js";
import type { Engine } from "../db/engine.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import type { Snapshot } from "../model/snapshot.js";
import { compareSnapshots } from "./compare-snapshots.js";
import { takeSnapshot } from "./take-snapshot.js";

/** A schema with every object kind a snapshot reads, plus drydock's own schema (never read). */
const richSchema = readFileSync(new URL("../../test/fixtures/snapshot/rich-schema.sql", import.meta.url), "utf8");
/** Golden file (`vitest -u` rewrites it; `.snap` keeps Biome from reformatting it): the snapshot of `richSchema` on either engine. */
const golden = "../../test/fixtures/snapshot/rich-schema.json.snap";
const schemas = ["app", "public", "drydock"];

/** Runs `body` on a session of a fresh target holding the rich schema; PGlite needs the extensions handed to it. */
async function withRichDatabase<T>(target: TestTarget, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(parseTargetUrl(target.url), { extensions: ["pgcrypto", "citext"] });
  try {
    await engine.exec(richSchema);
    return await body(engine);
  } finally {
    await engine.close();
    await target.dispose();
  }
}

/**
 * The snapshot without what docs/snapshot.md lists as differing between engines and versions:
 * the source, extension versions (and the functions a newer version adds), view text (PostgreSQL
 * 16+ stops qualifying the columns of a one-table query) and sizes.
 */
function withoutEngineDifferences(snapshot: Snapshot): unknown {
  return {
    ...snapshot,
    source: null,
    extensions: snapshot.extensions.map((extension) => ({ ...extension, version: null, functions: null })),
    views: snapshot.views.map((view) => ({ ...view, definition: null })),
    statistics: null,
  };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

forEachEngine("takeSnapshot", (newTarget) => {
  it("reads every object kind of the configured schemas", async () => {
    await withRichDatabase(await newTarget(), async (engine) => {
      const snapshot = await takeSnapshot(engine, { schemas });
      await expect(json(withoutEngineDifferences(snapshot))).toMatchFileSnapshot(golden);

      expect(snapshot.format).toBe("drydock-snapshot/1");
      expect(snapshot.source).toMatchObject({ engine: engine.kind, schemas: ["app", "public"] }); // never drydock
      expect(snapshot.schemas.map((schema) => [schema.name, schema.comment, schema.grants.map((grant) => grant.grantee)])).toEqual([
        ["app", "application", ["pg_read_all_data"]],
        ["public", "standard public schema", ["PUBLIC"]],
      ]);
      expect(snapshot.extensions.map((extension) => `${extension.schema}.${extension.name}`)).toEqual([
        "public.citext",
        "public.pgcrypto",
        "pg_catalog.plpgsql",
      ]);
      expect(snapshot.extensions[1]?.functions).toContain("public.crypt(text,text)");
      const objectNames = (list: { schema: string; name: string }[]) => list.map((object) => `${object.schema}.${object.name}`);
      expect(objectNames(snapshot.types)).toEqual(["app.address", "app.float_range", "app.mood", "app.positive_int"]); // no citext
      expect(snapshot.types[2]).toMatchObject({ kind: "enum", labels: ["sad", "ok", "happy"], comment: "how it feels" });
      expect(snapshot.types[3]).toMatchObject({ kind: "domain", base_type: "integer", not_null: true, default: "1" });
      expect(snapshot.sequences[0]).toMatchObject({ name: "invoice_number", type: "integer", start: "1000", increment: "10", cycle: true });
      expect(snapshot.sequences[1]).toMatchObject({ name: "projects_id_seq", owned_by: "app.projects.id" }); // no identity sequence
      expect(snapshot.tables.map((table) => `${table.name}: ${table.kind}`)).toEqual([
        "audit: table",
        "audit_2024: table",
        "cache: table",
        "events: partitioned table",
        "events_2024: table",
        "events_default: table",
        "members: table",
        "organizations: table",
        "projects: table",
      ]);

      const table = (name: string) => snapshot.tables.find((candidate) => candidate.name === name);
      const column = (tableName: string, name: string) => table(tableName)?.columns.find((candidate) => candidate.name === name);
      expect(column("organizations", "id")).toMatchObject({
        position: 1,
        type: "bigint",
        not_null: true,
        identity: "always",
        default: null,
      });
      expect(column("organizations", "name")).toMatchObject({ position: 2, collation: '"C"' });
      expect(column("organizations", "slug")).toMatchObject({ type: "public.citext", comment: "URL name" });
      expect(column("organizations", "founded")?.default).toBe("'2020-01-31'::date");
      expect(column("projects", "id")?.default).toBe("nextval('app.projects_id_seq'::regclass)");
      expect(column("projects", "mood")).toMatchObject({ type: "app.mood", default: "'ok'::app.mood" });
      expect(column("projects", "title_length")?.generated).toEqual({ kind: "stored", expression: "length((title)::text)" });
      expect(column("projects", "title")?.grants).toEqual([{ grantee: "pg_monitor", privilege: "UPDATE", grantable: false }]);

      const projects = table("projects");
      expect(projects?.rls).toEqual({ enabled: true, forced: true });
      expect(projects?.constraints.map((c) => [c.name, c.type, c.definition, c.is_valid, c.initially_deferred])).toEqual([
        ["projects_no_overlap", "exclusion", "EXCLUDE USING gist (during WITH &&)", true, false],
        [
          "projects_org_fkey",
          "foreign key",
          "FOREIGN KEY (org_id) REFERENCES app.organizations(id) ON UPDATE RESTRICT ON DELETE CASCADE",
          true,
          false,
        ],
        ["projects_org_title_key", "unique", "UNIQUE (org_id, title) DEFERRABLE INITIALLY DEFERRED", true, true],
        ["projects_pkey", "primary key", "PRIMARY KEY (id)", true, false],
        ["projects_title_check", "check", "CHECK (((title)::text <> ''::text)) NOT VALID", false, false],
      ]);
      expect(projects?.constraints[1]).toMatchObject({
        comment: "owner",
        foreign_key: { table: "app.organizations", columns: ["id"], on_update: "restrict", on_delete: "cascade", match: "simple" },
      });
      expect(table("members")?.constraints[0]).toMatchObject({ name: "members_org_fkey", is_valid: false, foreign_key: { match: "full" } });
      expect(projects?.indexes.map((index) => [index.name, index.is_unique, index.predicate, index.constraint])).toEqual([
        ["projects_lower_title_idx", false, "(mood <> 'sad'::app.mood)", null],
        ["projects_no_overlap", false, null, "projects_no_overlap"],
        ["projects_org_title_key", true, null, "projects_org_title_key"],
        ["projects_pkey", true, null, "projects_pkey"],
      ]);
      expect(projects?.indexes[0]?.definition).toBe(
        "CREATE INDEX projects_lower_title_idx ON app.projects USING btree (lower((title)::text)) WHERE (mood <> 'sad'::app.mood)",
      );
      expect(projects?.policies).toEqual([
        {
          name: "projects_read",
          command: "select",
          mode: "permissive",
          roles: ["pg_monitor", "pg_read_all_data"],
          using: "(org_id > 0)",
          with_check: null,
          comment: "everyone reads",
        },
        {
          name: "projects_update",
          command: "update",
          mode: "restrictive",
          roles: ["public"],
          using: "true",
          with_check: "(title_length < 100)",
          comment: null,
        },
      ]);
      expect(projects?.grants.map((grant) => `${grant.privilege} to ${grant.grantee}`)).toEqual([
        "INSERT to pg_read_all_data",
        "SELECT to pg_read_all_data",
      ]);
      expect(table("organizations")?.triggers).toMatchObject([
        { name: "organizations_touch", enabled: "disabled", function: "app.touch()" },
      ]);
      expect(table("events")).toMatchObject({
        partitioning: { strategy: "range", key: "created_at" },
        triggers: [{ name: "events_touch" }],
      });
      // the partitions' clones of the parent's index and trigger are reported on the parent only
      expect(table("events_2024")).toMatchObject({
        partition_of: { parent: "app.events", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
      });
      expect([table("events_2024")?.indexes, table("events_2024")?.triggers]).toEqual([[], []]);
      expect(table("events_default")?.partition_of).toEqual({ parent: "app.events", bound: "DEFAULT" });
      expect(table("cache")).toMatchObject({ persistence: "unlogged", options: ["fillfactor=70"] });
      expect(table("audit_2024")?.inherits).toEqual(["app.audit"]);

      const qualified = snapshot.source.server_version_num < 160000 ? "projects." : ""; // PostgreSQL 16 stopped qualifying
      expect(snapshot.views.map((view) => [view.name, view.kind, view.is_populated, view.options, view.definition])).toEqual([
        [
          "project_counts",
          "materialized view",
          false,
          [],
          ` SELECT ${qualified}org_id,\n    count(*) AS projects\n   FROM app.projects\n  GROUP BY ${qualified}org_id;`,
        ],
        [
          "project_titles",
          "view",
          null,
          ["security_barrier=true"],
          " SELECT p.id,\n    p.title,\n    o.name AS org\n   FROM app.projects p\n     JOIN app.organizations o ON o.id = p.org_id;",
        ],
      ]);
      expect(snapshot.views[0]?.indexes.map((index) => index.name)).toEqual(["project_counts_org_idx"]);
      expect(snapshot.views[1]?.columns.map((c) => `${c.position} ${c.name} ${c.type}`)).toEqual([
        "1 id integer",
        "3 org text",
        "2 title character varying(80)",
      ]);

      // no pgcrypto function, no range constructor
      expect(snapshot.functions.map((fn) => `${fn.kind} ${fn.signature}`)).toEqual([
        "function app.add(integer,integer)",
        "procedure app.clear_cache()",
        "function app.org_count(bigint)",
        "aggregate app.total(integer)",
        "function app.touch()",
      ]);
      expect(snapshot.functions[2]).toEqual({
        schema: "app",
        name: "org_count",
        signature: "app.org_count(bigint)",
        arguments: "min_id bigint DEFAULT 0",
        kind: "function",
        result: "bigint",
        language: "sql",
        volatility: "stable",
        security_definer: true,
        strict: false,
        leakproof: false,
        parallel: "unsafe",
        search_path: "app, pg_temp",
        config: ["search_path=app, pg_temp"],
        body: " SELECT count(*) FROM app.organizations WHERE id >= min_id ",
        definition:
          "CREATE OR REPLACE FUNCTION app.org_count(min_id bigint DEFAULT 0)\n RETURNS bigint\n LANGUAGE sql\n STABLE SECURITY DEFINER\n" +
          " SET search_path TO 'app', 'pg_temp'\nAS $function$ SELECT count(*) FROM app.organizations WHERE id >= min_id $function$\n",
        grants: [{ grantee: "pg_read_all_data", privilege: "EXECUTE", grantable: false }],
        comment: "counts",
      });
      expect(snapshot.functions[0]).toMatchObject({ body: "RETURN (a + b)", volatility: "immutable", strict: true, parallel: "safe" });
      expect(snapshot.functions[0]?.grants).toEqual([{ grantee: "PUBLIC", privilege: "EXECUTE", grantable: false }]);
      expect(snapshot.functions[1]).toMatchObject({ result: null, body: " DELETE FROM app.cache " });
      expect(snapshot.functions[3]).toMatchObject({
        definition: null,
        result: "integer",
        aggregate: { kind: "normal", transition_function: "int4pl(integer,integer)", state_type: "integer", initial_condition: "0" },
      });
      expect(snapshot.functions.filter((fn) => "aggregate" in fn).map((fn) => fn.name)).toEqual(["total"]);
      // owners are named only when they are not the database's owner
      expect(snapshot.schemas.map((schema) => schema.owner)).toEqual([undefined, "pg_database_owner"]);
      expect([...snapshot.tables, ...snapshot.views, ...snapshot.functions].some((object) => "owner" in object)).toBe(false);
    });
  });

  it("names the owner of an object the database's owner does not own", async () => {
    await withRichDatabase(await newTarget(), async (engine) => {
      const before = await takeSnapshot(engine, { schemas });
      await engine.exec(`
        ALTER TABLE app.projects OWNER TO pg_monitor;
        ALTER VIEW app.project_titles OWNER TO pg_monitor;
        ALTER SEQUENCE app.invoice_number OWNER TO pg_monitor;
        ALTER TYPE app.mood OWNER TO pg_monitor;
        ALTER FUNCTION app.add(integer, integer) OWNER TO pg_monitor;
        ALTER AGGREGATE app.total(integer) OWNER TO pg_monitor;
        ALTER SCHEMA app OWNER TO pg_monitor;`);
      const snapshot = await takeSnapshot(engine, { schemas });
      const owned = [snapshot.schemas, snapshot.types, snapshot.sequences, snapshot.tables, snapshot.views, snapshot.functions]
        .flat()
        .filter((object) => object.owner !== undefined)
        .map((object) => `${"schema" in object ? `${object.schema}.` : ""}${object.name}: ${object.owner}`);
      expect(owned).toEqual([
        "app: pg_monitor",
        "public: pg_database_owner",
        "app.mood: pg_monitor",
        "app.invoice_number: pg_monitor",
        "app.projects_id_seq: pg_monitor", // a serial sequence follows its table
        "app.projects: pg_monitor",
        "app.project_titles: pg_monitor",
        "app.add: pg_monitor",
        "app.total: pg_monitor",
      ]);
      expect(compareSnapshots(before, snapshot)).toContainEqual({
        kind: "table",
        name: "app.projects",
        change: "changed",
        attribute: "owner",
        before: null,
        after: "pg_monitor",
      });
    });
  });

  it("is deterministic and leaves the session's settings as they were", async () => {
    await withRichDatabase(await newTarget(), async (engine) => {
      await engine.exec("SET search_path = app, public; SET DateStyle = 'German, DMY'");
      const first = await takeSnapshot(engine, { schemas });
      const second = await takeSnapshot(engine, { schemas: ["public", "app"] });
      expect(second).toEqual(first);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      // the session's search_path and DateStyle change nothing in what is printed
      expect(first.tables.find((table) => table.name === "organizations")?.columns[1]?.default).toBe("'2020-01-31'::date");
      expect(first.tables.find((table) => table.name === "projects")?.constraints[1]?.foreign_key?.table).toBe("app.organizations");
      const settings = await engine.query("SELECT current_setting('search_path') AS path, current_setting('DateStyle') AS style");
      expect(settings).toEqual([{ path: "app, public", style: "German, DMY" }]);
    });
  });

  it("reads the same snapshot with several sessions as with one, and leaves only its own", async () => {
    await withRichDatabase(await newTarget(), async (engine) => {
      await engine.exec("ANALYZE");
      const alone = await takeSnapshot(engine, { schemas, exactCounts: true });
      const shared = await takeSnapshot(engine, { schemas, exactCounts: true, sessions: 3 });
      expect(JSON.stringify(shared)).toBe(JSON.stringify(alone));
      const [row] = await engine.query<{ level: string; sessions: number }>(
        `SELECT current_setting('transaction_isolation') AS level,
           (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database()) AS sessions`,
      );
      expect(row).toEqual({ level: "read committed", sessions: 1 }); // PGlite too lists its one session
    });
  });

  it("estimates rows, and counts them exactly when asked", async () => {
    await withRichDatabase(await newTarget(), async (engine) => {
      const estimated = await takeSnapshot(engine, { schemas });
      expect(estimated.statistics.relations.find((relation) => relation.name === "projects")).toMatchObject({
        row_estimate: null,
        row_count: null,
      });
      await engine.exec("ANALYZE");
      const counted = await takeSnapshot(engine, { schemas, exactCounts: true });
      const rows = Object.fromEntries(
        counted.statistics.relations.map((relation) => [relation.name, [relation.row_estimate, relation.row_count]]),
      );
      expect(rows).toMatchObject({ organizations: [2, 2], projects: [3, 3], events: [expect.any(Number), 2], events_2024: [1, 1] });
      expect(rows.project_counts?.[1]).toBeNull(); // WITH NO DATA: cannot be read
      expect(counted.statistics.relations.find((relation) => relation.name === "projects")?.total_size_bytes).toBeGreaterThan(0);
      expect(counted.statistics.total_size_bytes).toBe(
        counted.statistics.relations.reduce((sum, relation) => sum + relation.total_size_bytes, 0),
      );
      expect(compareSnapshots(estimated, counted)).toEqual([]); // statistics are never compared
    });
  });

  it("counts many small tables in shared round trips and a large or partitioned one on its own, all exactly", async () => {
    const target = await newTarget();
    const engine = await target.open();
    try {
      const small = Array.from({ length: 120 }, (_, i) => `CREATE TABLE t${i} AS SELECT g FROM generate_series(1, ${i % 7}) AS g;`);
      await engine.exec(`${small.join("\n")}
        CREATE TABLE big AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 20000) AS g;
        CREATE TABLE parts (id int) PARTITION BY RANGE (id);
        CREATE TABLE parts_low PARTITION OF parts FOR VALUES FROM (0) TO (10);
        INSERT INTO parts SELECT g FROM generate_series(0, 9) AS g;`);
      const counted = await takeSnapshot(engine, { schemas: ["public"], exactCounts: true });
      const rows = new Map(counted.statistics.relations.map((relation) => [relation.name, relation]));
      for (let i = 0; i < 120; i++) expect(rows.get(`t${i}`)?.row_count).toBe(i % 7);
      expect(rows.get("big")?.size_bytes).toBeGreaterThan(1024 * 1024); // counted on its own
      expect(rows.get("big")?.row_count).toBe(20000);
      expect(rows.get("parts")?.row_count).toBe(10);
      expect(rows.get("parts_low")?.row_count).toBe(10);
    } finally {
      await engine.close();
      await target.dispose();
    }
  });
});

describe("takeSnapshot on PostgreSQL and on PGlite", () => {
  it("reads the same schema the same way, but for the documented engine differences", async () => {
    const read = async (engine: "postgres" | "pglite") =>
      withRichDatabase(await createTarget(engine), (session) => takeSnapshot(session, { schemas }));
    const [server, embedded] = [await read("postgres"), await read("pglite")];
    const versionsApart = server.source.server_version_num < 160000 !== embedded.source.server_version_num < 160000;
    for (const difference of compareSnapshots(server, embedded)) {
      const documented =
        difference.kind === "extension" || (versionsApart && difference.kind === "view" && difference.attribute === "definition");
      expect(documented, JSON.stringify(difference)).toBe(true);
    }
    expect(json(withoutEngineDifferences(server))).toBe(json(withoutEngineDifferences(embedded)));
  });
});

describe("takeSnapshot on PostgreSQL", () => {
  it("reads what alsoRead reads in the snapshot the catalog is read in, whatever commits meanwhile", async () => {
    const target = await createTarget("postgres");
    const engine = await target.open();
    const other = await target.open();
    try {
      await engine.exec("CREATE TABLE ledger (n int); INSERT INTO ledger VALUES (1);");
      let seen: number | undefined;
      const snapshot = await takeSnapshot(engine, {
        schemas: ["public"],
        sessions: 3,
        alsoRead: async (session) => {
          const [row] = await session.query<{ n: number }>("SELECT count(*)::int AS n FROM public.ledger");
          seen = row?.n;
          // An apply committing between the two reads: neither its row nor its table is seen.
          await other.exec("CREATE TABLE committed_meanwhile (id int); INSERT INTO ledger VALUES (2);");
        },
      });
      expect(seen).toBe(1);
      expect(snapshot.tables.map((table) => table.name)).toEqual(["ledger"]);
      const after = await takeSnapshot(engine, { schemas: ["public"], sessions: 3 });
      expect(after.tables.map((table) => table.name)).toEqual(["committed_meanwhile", "ledger"]);
    } finally {
      await other.close();
      await engine.close();
      await target.dispose();
    }
  });
});
