import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { MigrationFormat } from "../model/migration.js";
import { discoverMigrations } from "./discover-migrations.js";

// The corpus of real migration sets sits beside the repository (shared/corpus); each set.json
// lists the exact forward and rollback order the set's own tool uses.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const corpus = path.resolve(repoRoot, "../shared/corpus");
const sets = existsSync(corpus) ? readdirSync(corpus).filter((name) => existsSync(path.join(corpus, name, "set.json"))) : [];

interface SetJson {
  format: string;
  up: string[];
  down: string[] | null;
  psql_vars: Record<string, string>;
}

/** The drydock format a set.json `format` description names (its keywords are the tools' names). */
function expectedFormat(description: string): MigrationFormat {
  const formats: MigrationFormat[] = [
    "graphile-migrate",
    "golang-migrate",
    "sql-migrate",
    "sqitch",
    "diesel",
    "prisma",
    "flyway",
    "goose",
    "dbmate",
  ];
  return formats.find((format) => description.includes(format)) ?? "plain";
}

function lineCount(file: string): number {
  return readFileSync(file, "utf8")
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n").length;
}

describe.skipIf(sets.length === 0)(`corpus sets in ${corpus}${sets.length === 0 ? " (not found: skipped)" : ""}`, () => {
  it("has the 12 reference sets", () => {
    expect(sets.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(sets)("%s", (name) => {
    const setDir = path.join(corpus, name);
    const set = JSON.parse(readFileSync(path.join(setDir, "set.json"), "utf8")) as SetJson;
    const discover = () =>
      discoverMigrations({
        projectRoot: setDir,
        migrationsDir: path.join(setDir, "migrations"),
        variables: set.psql_vars,
      });

    it(`detects the format (${set.format})`, async () => {
      expect((await discover()).format).toBe(expectedFormat(set.format));
    });

    it("finds the forward files in set.json order", async () => {
      const { migrations } = await discover();
      expect(migrations.map((migration) => migration.up.file)).toEqual(set.up);
    });

    it("finds the rollback files in set.json order", async () => {
      const { migrations } = await discover();
      const downs = migrations.flatMap((migration) => (migration.down ? [migration.down.file] : [])).reverse();
      expect(downs).toEqual(set.down ?? []);
    });

    it("keeps every script's line structure and gives unique versions", async () => {
      const { migrations } = await discover();
      for (const migration of migrations) {
        for (const script of [migration.up, migration.down]) {
          if (script) expect(script.sql.split("\n").length, script.file).toBe(lineCount(path.join(setDir, script.file)));
        }
        expect(migration.checksum).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(new Set(migrations.map((migration) => migration.version)).size).toBe(migrations.length);
    });
  });
});

describe.skipIf(!sets.includes("crates-io") || !sets.includes("openfga") || !sets.includes("stellar-horizon"))(
  "corpus: what the formats say about transactions",
  () => {
    const discoverSet = (name: string) =>
      discoverMigrations({
        projectRoot: path.join(corpus, name),
        migrationsDir: path.join(corpus, name, "migrations"),
      });

    it("crates-io: metadata.toml run_in_transaction = false marks 7 migrations", async () => {
      const { migrations } = await discoverSet("crates-io");
      const outside = migrations.filter((migration) => !migration.up.formatAllowsTransaction);
      expect(outside).toHaveLength(7);
      expect(outside.every((migration) => migration.down?.formatAllowsTransaction === false)).toBe(true);
      expect(migrations.find((m) => m.name === "make-unique-version-unique")?.version).toBe("20241025112826");
    });

    it("openfga: -- +goose NO TRANSACTION marks 006 only", async () => {
      const { migrations } = await discoverSet("openfga");
      expect(migrations.filter((m) => !m.up.formatAllowsTransaction).map((m) => m.version)).toEqual(["006"]);
    });

    it("stellar-horizon: notransaction applies per direction; both 39_ files are kept", async () => {
      const { migrations } = await discoverSet("stellar-horizon");
      expect(migrations.filter((m) => !m.up.formatAllowsTransaction)).toHaveLength(3);
      expect(migrations.filter((m) => m.down && !m.down.formatAllowsTransaction)).toHaveLength(1);
      expect(migrations.map((m) => m.version).filter((v) => v.startsWith("39_"))).toEqual([
        "39_claimable_balances",
        "39_history_trades_indices",
      ]);
    });
  },
);

describe.skipIf(!sets.includes("tastybytes-graphile"))("corpus: graphile-migrate placeholders", () => {
  it("substitutes :DATABASE_VISITOR from psql_vars and leaves comments alone", async () => {
    const setDir = path.join(corpus, "tastybytes-graphile");
    const set = JSON.parse(readFileSync(path.join(setDir, "set.json"), "utf8")) as SetJson;
    const { migrations } = await discoverMigrations({
      projectRoot: setDir,
      migrationsDir: path.join(setDir, "migrations"),
      variables: set.psql_vars,
    });
    const lines = migrations[0]?.up.sql.split("\n") ?? [];
    expect(lines[35]).toBe("grant all on schema public to tasted;");
    expect(lines[53]).toBe("grant usage on schema public, app_public, app_hidden to tasted_visitor;");
    expect(lines[1648]).toContain("to :DATABASE_VISITOR;"); // a -- comment: psql leaves it too
  });
});
