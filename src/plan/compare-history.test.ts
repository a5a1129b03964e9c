import { describe, expect, it } from "vitest";
import type { AppliedMigration } from "../db/history.js";
import type { Migration } from "../model/migration.js";
import { checksumOf } from "../util/hash.js";
import { compareHistory } from "./compare-history.js";

function migration(version: string, name: string, sql: string, kind: Migration["kind"] = "versioned"): Migration {
  const file = kind === "repeatable" ? `migrations/${version}.sql` : `migrations/${version}_${name}.sql`;
  return {
    version,
    name,
    kind,
    format: kind === "repeatable" ? "flyway" : "plain",
    up: { file, sql, formatAllowsTransaction: true },
    down: null,
    checksum: checksumOf(sql),
  };
}

function applied(of: Migration, overrides: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    version: of.version,
    name: of.name,
    checksum: of.checksum,
    applied_at: "2025-01-02T03:04:05.000Z",
    applied_by: "deploy",
    duration_ms: 12,
    run_id: 1,
    kind: of.kind,
    file: of.up.file,
    ...overrides,
  };
}

const m1 = migration("0001", "users", "CREATE TABLE users (id int);");
const m2 = migration("0002", "orders", "CREATE TABLE orders (id int);");
const m3 = migration("0003", "index", "CREATE INDEX orders_id ON orders (id);");

describe("compareHistory", () => {
  it("marks every migration pending on an empty database", () => {
    expect(compareHistory([m1, m2], [])).toEqual([
      { version: "0001", name: "users", file: "migrations/0001_users.sql", state: "pending", checksum: m1.checksum, applied_at: null },
      { version: "0002", name: "orders", file: "migrations/0002_orders.sql", state: "pending", checksum: m2.checksum, applied_at: null },
    ]);
  });

  it("marks applied migrations with their time and the later ones pending", () => {
    const statuses = compareHistory([m1, m2, m3], [applied(m1), applied(m2, { applied_at: "2025-02-01T00:00:00.000Z" })]);
    expect(statuses.map(({ version, state, applied_at }) => ({ version, state, applied_at }))).toEqual([
      { version: "0001", state: "applied", applied_at: "2025-01-02T03:04:05.000Z" },
      { version: "0002", state: "applied", applied_at: "2025-02-01T00:00:00.000Z" },
      { version: "0003", state: "pending", applied_at: null },
    ]);
    expect(statuses[0]).not.toHaveProperty("recorded_checksum");
  });

  it("marks an edited applied migration changed, with the recorded checksum", () => {
    const recorded = checksumOf("CREATE TABLE users (id bigint);");
    const [status] = compareHistory([m1], [applied(m1, { checksum: recorded })]);
    expect(status).toEqual({
      version: "0001",
      name: "users",
      file: "migrations/0001_users.sql",
      state: "changed",
      checksum: m1.checksum,
      recorded_checksum: recorded,
      applied_at: "2025-01-02T03:04:05.000Z",
    });
  });

  it("marks a history row without a file missing, with the recorded checksum and file", () => {
    const gone = applied(m2, { name: "orders_old", file: "migrations/0002_orders_old.sql", checksum: "ab".repeat(32) });
    expect(compareHistory([m1], [applied(m1), gone])).toEqual([
      expect.objectContaining({ version: "0001", state: "applied" }),
      {
        version: "0002",
        name: "orders_old",
        file: "migrations/0002_orders_old.sql",
        state: "missing",
        checksum: "ab".repeat(32),
        applied_at: "2025-01-02T03:04:05.000Z",
      },
    ]);
  });

  it("marks a migration that sorts before an applied one out-of-order", () => {
    const statuses = compareHistory([m1, m2, m3], [applied(m1), applied(m3)]);
    expect(statuses.map(({ version, state }) => ({ version, state }))).toEqual([
      { version: "0001", state: "applied" },
      { version: "0002", state: "out-of-order" },
      { version: "0003", state: "applied" },
    ]);
    expect(statuses[1]?.applied_at).toBeNull();
  });

  it("counts a changed migration as applied when finding out-of-order ones", () => {
    const statuses = compareHistory([m1, m2, m3], [applied(m3, { checksum: "00".repeat(32) })]);
    expect(statuses.map((status) => status.state)).toEqual(["out-of-order", "out-of-order", "changed"]);
  });

  describe("repeatable migrations", () => {
    const view = migration("R__views", "views", "CREATE OR REPLACE VIEW v AS SELECT 1;", "repeatable");

    it("is applied while its checksum is unchanged", () => {
      expect(compareHistory([m1, view], [applied(m1), applied(view)]).map((status) => status.state)).toEqual(["applied", "applied"]);
    });

    it("is pending again, not changed, when its checksum changed", () => {
      const recorded = checksumOf("CREATE OR REPLACE VIEW v AS SELECT 0;");
      const [, status] = compareHistory([m1, view], [applied(m1), applied(view, { checksum: recorded })]);
      expect(status).toEqual({
        version: "R__views",
        name: "views",
        file: "migrations/R__views.sql",
        state: "pending",
        checksum: view.checksum,
        recorded_checksum: recorded,
        applied_at: "2025-01-02T03:04:05.000Z",
      });
    });

    it("is pending, never out-of-order, when it never ran", () => {
      const statuses = compareHistory([view, m1], [applied(m1)]);
      expect(statuses.map(({ version, state }) => ({ version, state }))).toEqual([
        { version: "R__views", state: "pending" },
        { version: "0001", state: "applied" },
      ]);
    });

    it("does not make earlier versioned migrations out-of-order", () => {
      const statuses = compareHistory([m1, view], [applied(view)]);
      expect(statuses.map((status) => status.state)).toEqual(["pending", "applied"]);
    });
  });
});
