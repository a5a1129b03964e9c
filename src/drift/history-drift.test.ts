import { describe, expect, it } from "vitest";
import type { AppliedMigration } from "../db/history.js";
import type { Migration } from "../model/migration.js";
import { compareHistory } from "../plan/compare-history.js";
import { checksumOf } from "../util/hash.js";
import { compareHistories, historyDriftOfStatuses } from "./history-drift.js";

function migration(version: string, name: string, sql: string): Migration {
  return {
    version,
    name,
    kind: "versioned",
    format: "plain",
    up: { file: `migrations/${version}_${name}.sql`, sql, formatAllowsTransaction: true },
    down: null,
    checksum: checksumOf(sql),
  };
}

function applied(version: string, name: string, checksum: string, appliedAt = "2025-01-02T03:04:05.000Z"): AppliedMigration {
  return {
    version,
    name,
    checksum,
    applied_at: appliedAt,
    applied_by: "deploy",
    duration_ms: 12,
    run_id: 1,
    kind: "versioned",
    file: `migrations/${version}_${name}.sql`,
  };
}

const m1 = migration("0001", "users", "CREATE TABLE users (id int);");
const m2 = migration("0002", "orders", "CREATE TABLE orders (id int);");
const m3 = migration("0003", "index", "CREATE INDEX orders_id ON orders (id);");
const m10 = migration("0010", "later", "CREATE TABLE later (id int);");

describe("historyDriftOfStatuses", () => {
  it("lists pending migrations apart: not applied yet is not drift", () => {
    const drift = historyDriftOfStatuses(compareHistory([m1, m2, m3], [applied("0001", "users", m1.checksum)]));
    expect(drift).toEqual({
      differences: [],
      pending: [
        { version: "0002", name: "orders", file: "migrations/0002_orders.sql" },
        { version: "0003", name: "index", file: "migrations/0003_index.sql" },
      ],
      in_agreement: 1,
    });
  });

  it("reports an edited file, a history row without a file and a file skipped over", () => {
    const recorded = checksumOf("CREATE TABLE users (id bigint);");
    const drift = historyDriftOfStatuses(
      compareHistory(
        [m1, m2, m3],
        [
          applied("0001", "users", recorded),
          applied("0003", "index", m3.checksum),
          applied("0004", "hotfix", "abc", "2025-03-01T00:00:00.000Z"),
        ],
      ),
    );
    expect(drift.in_agreement).toBe(1);
    expect(drift.pending).toEqual([]);
    expect(drift.differences).toEqual([
      {
        version: "0001",
        name: "users",
        state: "changed",
        file: "migrations/0001_users.sql",
        target: { checksum: recorded, applied_at: "2025-01-02T03:04:05.000Z" },
        against: { checksum: m1.checksum, applied_at: null },
      },
      {
        version: "0002",
        name: "orders",
        state: "out-of-order",
        file: "migrations/0002_orders.sql",
        target: null,
        against: { checksum: m2.checksum, applied_at: null },
      },
      {
        version: "0004",
        name: "hotfix",
        state: "missing",
        file: null,
        target: { checksum: "abc", applied_at: "2025-03-01T00:00:00.000Z" },
        against: null,
      },
    ]);
  });
});

describe("compareHistories", () => {
  it("finds what each side applied and the other did not, and checksums that differ", () => {
    const dev = [applied("0001", "users", m1.checksum), applied("0002", "orders", "edited"), applied("0003", "index", m3.checksum)];
    const prod = [applied("0001", "users", m1.checksum), applied("0002", "orders", m2.checksum), applied("0009", "hotfix", "h")];
    const drift = compareHistories(dev, prod, [m1, m2, m3]);
    expect(drift.in_agreement).toBe(1);
    expect(drift.pending).toEqual([]);
    expect(drift.differences.map(({ version, state, file }) => ({ version, state, file }))).toEqual([
      { version: "0002", state: "changed", file: "migrations/0002_orders.sql" },
      { version: "0003", state: "only-in-target", file: "migrations/0003_index.sql" },
      { version: "0009", state: "only-in-against", file: null },
    ]);
    expect(drift.differences[0]).toMatchObject({ target: { checksum: "edited" }, against: { checksum: m2.checksum } });
    expect(drift.differences[2]).toMatchObject({ target: null, against: { checksum: "h", applied_at: "2025-01-02T03:04:05.000Z" } });
  });

  it("orders by the project's migrations, then versions without a file numerically", () => {
    const drift = compareHistories(
      [applied("0010", "later", m10.checksum), applied("12", "x", "a"), applied("9", "y", "b")],
      [applied("0001", "users", m1.checksum)],
      [m1, m10],
    );
    expect(drift.differences.map((entry) => entry.version)).toEqual(["0001", "0010", "9", "12"]);
  });

  it("agrees with itself", () => {
    const rows = [applied("0001", "users", m1.checksum), applied("0002", "orders", m2.checksum)];
    expect(compareHistories(rows, rows, [m1, m2])).toEqual({ differences: [], pending: [], in_agreement: 2 });
  });
});
