import { describe, expect, it } from "vitest";
import type { AppliedMigration } from "../db/history.js";
import type { Migration } from "../model/migration.js";
import { checksumOf } from "../util/hash.js";
import { type MatchHistoryInput, matchHistory } from "./match-history.js";
import type { ToolHistoryEntry } from "./tool-history.js";

function migration(version: string, name: string, file: string, kind: Migration["kind"] = "versioned"): Migration {
  const sql = `-- ${file}\nSELECT 1;\n`;
  return {
    version,
    name,
    kind,
    format: "plain",
    up: { file, sql, formatAllowsTransaction: true },
    down: null,
    checksum: checksumOf(sql),
  };
}

function entry(key: string, overrides: Partial<ToolHistoryEntry> = {}): ToolHistoryEntry {
  return { key, label: null, appliedAt: "2024-05-01T10:00:00.000Z", appliedBy: "deploy", checksum: null, ...overrides };
}

function recorded(of: Migration, checksum = of.checksum): AppliedMigration {
  return {
    version: of.version,
    name: of.name,
    checksum,
    applied_at: "2025-01-02T03:04:05.000Z",
    applied_by: "drydock",
    duration_ms: 3,
    run_id: 1,
    kind: of.kind,
    file: of.up.file,
  };
}

function match(input: Partial<MatchHistoryInput> & Pick<MatchHistoryInput, "migrations">) {
  const result = matchHistory({ matchBy: "version", toolHistory: { entries: [], appliedThrough: null }, history: [], ...input });
  const versions = (list: { migration: Migration }[]) => list.map((pair) => pair.migration.version);
  return {
    adopt: versions(result.adopt),
    alreadyRecorded: versions(result.alreadyRecorded),
    pending: result.pending.map((m) => m.version),
    missingFiles: result.missingFiles.map((e) => e.key),
    edited: versions(result.edited),
    outdated: versions(result.outdated),
    conflicts: result.conflicts.map((c) => c.migration.version),
    raw: result,
  };
}

const m1 = migration("0001", "users", "migrations/0001_users.sql");
const m2 = migration("0002", "orders", "migrations/0002_orders.sql");
const m3 = migration("0003", "index", "migrations/0003_index.sql");

describe("matchHistory", () => {
  it("pairs versions as versions: the tool's 1 and 2 are files 0001 and 0002", () => {
    const result = match({ migrations: [m1, m2, m3], toolHistory: { entries: [entry("1"), entry("2")], appliedThrough: null } });
    expect(result).toMatchObject({ adopt: ["0001", "0002"], pending: ["0003"], missingFiles: [], edited: [], conflicts: [] });
    expect(result.raw.adopt[0]?.entry).toMatchObject({ key: "1", appliedAt: "2024-05-01T10:00:00.000Z", appliedBy: "deploy" });
  });

  it("lists applied entries with no file", () => {
    const result = match({
      migrations: [m1],
      toolHistory: { entries: [entry("1"), entry("20240101", { label: "hotfix" })], appliedThrough: null },
    });
    expect(result.missingFiles).toEqual(["20240101"]);
    expect(result.raw.missingFiles[0]?.label).toBe("hotfix");
  });

  it("applies everything up to golang-migrate's one version, and needs that version's file", () => {
    const through = { entry: entry("2", { appliedAt: null, appliedBy: null }), isFileRequired: true };
    expect(match({ migrations: [m1, m2, m3], toolHistory: { entries: [], appliedThrough: through } })).toMatchObject({
      adopt: ["0001", "0002"],
      pending: ["0003"],
      missingFiles: [],
    });
    const beyond = { entry: entry("7", { appliedAt: null, appliedBy: null }), isFileRequired: true };
    expect(match({ migrations: [m1, m2, m3], toolHistory: { entries: [], appliedThrough: beyond } })).toMatchObject({
      adopt: ["0001", "0002", "0003"],
      missingFiles: ["7"],
    });
  });

  it("takes a Flyway baseline as applying the versions below it, with or without a file of its own", () => {
    const baseline = { entry: entry("2", { label: "<< Flyway Baseline >>", appliedBy: "ops" }), isFileRequired: false };
    const result = match({ migrations: [m1, m3], toolHistory: { entries: [entry("3")], appliedThrough: baseline } });
    expect(result).toMatchObject({ adopt: ["0001", "0003"], pending: [], missingFiles: [] });
    expect(result.raw.adopt[0]?.entry).toMatchObject({ key: "0001", appliedBy: "ops", checksum: null });
  });

  it("pairs Prisma entries by folder and node-pg-migrate entries by file name", () => {
    const p1 = migration("20240101000000_init", "init", "prisma/migrations/20240101000000_init/migration.sql");
    const p2 = migration("20240202000000_tags", "tags", "prisma/migrations/20240202000000_tags/migration.sql");
    expect(
      match({ matchBy: "folder", migrations: [p1, p2], toolHistory: { entries: [entry("20240101000000_init")], appliedThrough: null } }),
    ).toMatchObject({ adopt: ["20240101000000_init"], pending: ["20240202000000_tags"] });

    const n1 = migration("1700000000000", "create-users", "migrations/1700000000000_create-users.sql");
    const n2 = migration("1700000000001", "add-email", "migrations/1700000000001_add-email.sql");
    const byName = match({
      matchBy: "file-name",
      migrations: [n1, n2],
      toolHistory: { entries: [entry("1700000000000_create-users"), entry("1700000000000")], appliedThrough: null },
    });
    expect(byName).toMatchObject({ adopt: ["1700000000000"], pending: ["1700000000001"], missingFiles: ["1700000000000"] });
  });

  it("reports files whose checksum is not the tool's, and takes them for adopted when it is", () => {
    const toolChecksums = new Map([
      ["0001", ["aaa", "bbb"]],
      ["0002", ["ccc"]],
    ]);
    const entries = [entry("1", { checksum: "bbb" }), entry("2", { checksum: "zzz" }), entry("3", { checksum: "yyy" })];
    expect(match({ migrations: [m1, m2, m3], toolHistory: { entries, appliedThrough: null }, toolChecksums })).toMatchObject({
      adopt: ["0001", "0003"],
      edited: ["0002"],
    });
  });

  it("leaves a repeatable applied in an older version pending, as Flyway runs it again", () => {
    const view = migration("R__views", "views", "migrations/R__views.sql", "repeatable");
    const toolChecksums = new Map([["R__views", ["-12"]]]);
    const stale = match({
      migrations: [m1, view],
      toolHistory: { entries: [entry("1"), entry("R__views", { checksum: "99" })], appliedThrough: null },
      toolChecksums,
    });
    expect(stale).toMatchObject({ adopt: ["0001"], pending: ["R__views"], outdated: ["R__views"], edited: [] });
    const fresh = match({
      migrations: [m1, view],
      toolHistory: { entries: [entry("1"), entry("R__views", { checksum: "-12" })], appliedThrough: null },
      toolChecksums,
    });
    expect(fresh).toMatchObject({ adopt: ["0001", "R__views"], pending: [], outdated: [] });
  });

  it("keeps what drydock already records: the same checksum is done, another is a conflict", () => {
    const entries = [entry("1"), entry("2"), entry("3")];
    const result = match({
      migrations: [m1, m2, m3],
      toolHistory: { entries, appliedThrough: null },
      history: [recorded(m1), recorded(m2, "other")],
    });
    expect(result).toMatchObject({ adopt: ["0003"], alreadyRecorded: ["0001"], conflicts: ["0002"], pending: [] });
  });

  it("does not call a migration drydock applied itself pending, nor one the tool never applied adopted", () => {
    const result = match({
      migrations: [m1, m2, m3],
      toolHistory: { entries: [entry("1")], appliedThrough: null },
      history: [recorded(m2)],
    });
    expect(result).toMatchObject({ adopt: ["0001"], alreadyRecorded: [], pending: ["0003"] });
  });

  it("adopts nothing from an empty history", () => {
    expect(match({ migrations: [m1, m2] })).toMatchObject({ adopt: [], pending: ["0001", "0002"], missingFiles: [] });
  });
});
