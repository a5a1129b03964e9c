import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { adopt } from "../../src/api/adopt.js";
import { apply } from "../../src/api/apply.js";
import { status } from "../../src/api/status.js";
import type { Engine } from "../../src/db/engine.js";
import { discoverProjectMigrations } from "../../src/discover/discover-migrations.js";
import type { Migration } from "../../src/model/migration.js";
import { quoteLiteral } from "../../src/util/quote-ident.js";
import { corpusProject, hasCorpus, readCorpusSet } from "../support/corpus.js";
import { createTestDatabase } from "../support/test-database.js";

/** Writes the history table the way the set's own tool would have, after running every migration. */
type FillHistory = (engine: Engine, migrations: readonly Migration[], read: (migration: Migration) => Promise<Buffer>) => Promise<void>;

/** Timestamps a day apart, as a long-lived project's deploys would leave them (older first). */
const deployTime = (index: number) => new Date(Date.UTC(2022, 0, 1) + index * 86_400_000).toISOString();

const prismaHistory: FillHistory = async (engine, migrations, read) => {
  await engine.exec(`CREATE TABLE "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  for (const [index, migration] of migrations.entries()) {
    // Prisma's checksum: SHA-256 of migration.sql as hex; migration_name: the folder.
    const checksum = createHash("sha256")
      .update(await read(migration))
      .digest("hex");
    await engine.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, $3::timestamptz + interval '1 second', $4, NULL, NULL, $3::timestamptz, 1)`,
      [randomUUID(), checksum, deployTime(index), basename(dirname(migration.up.file))],
    );
  }
};

const golangMigrateHistory: FillHistory = async (engine, migrations) => {
  const last = migrations.at(-1);
  await engine.exec(`CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null);
    INSERT INTO "public"."schema_migrations" (version, dirty) VALUES (${Number(last?.version)}, false);`);
};

const flywayHistory: FillHistory = async (engine, migrations, read) => {
  await engine.exec(`CREATE TABLE "public"."flyway_schema_history" (
      "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL,
      "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
      "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
    ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");`);
  const rows: string[] = [];
  for (const [index, migration] of migrations.entries()) {
    // Flyway's checksum: CRC32 of the lines without their line breaks (BOM removed), as a signed int.
    const text = (await read(migration)).toString("utf8").replace(/^\uFEFF/, "");
    const checksum = crc32(text.replace(/[\r\n]/g, "")) | 0;
    const version = migration.kind === "repeatable" ? "NULL" : quoteLiteral(migration.version);
    const script = basename(migration.up.file);
    rows.push(
      `(${index + 1}, ${version}, ${quoteLiteral(migration.name.replace(/_/g, " "))}, 'SQL', ${quoteLiteral(script)}, ${checksum}, 'marquez', '${deployTime(index).replace("T", " ").replace("Z", "")}', 17, true)`,
    );
  }
  await engine.exec(`INSERT INTO "public"."flyway_schema_history" VALUES ${rows.join(",\n")}`);
};

const sets: [name: string, tool: "prisma" | "golang-migrate" | "flyway", fill: FillHistory][] = [
  ["umami", "prisma", prismaHistory],
  ["authelia", "golang-migrate", golangMigrateHistory],
  ["marquez", "flyway", flywayHistory],
];

describe.skipIf(!hasCorpus)("adopt takes over real projects migrated by their own tool", () => {
  it.each(sets)("%s (%s)", async (name, tool, fill) => {
    const set = readCorpusSet(name);
    const project = corpusProject(set);
    const db = await createTestDatabase(`drydock_adopt_${name}`);
    try {
      // The schema as the tool left it: every migration applied (the way the corpus helpers do),
      // then drydock's own history removed, and the tool's history table filled in as it writes it.
      const applied = await apply(project, { url: db.url, verify: false, noEvidence: true, cache: false });
      expect(applied.failed).toBeNull();
      await db.exec("DROP SCHEMA drydock CASCADE");
      const { migrations } = await discoverProjectMigrations(project);
      expect(migrations).toHaveLength(set.up.length);
      await fill(db.engine, migrations, (migration) => readFile(join(set.dir, migration.up.file)));

      const result = await adopt(project, { url: db.url, from: tool, by: "platform-team" });
      expect(result.adopted.map((entry) => entry.version)).toEqual(migrations.map((migration) => migration.version));
      expect(result.pending).toEqual([]);

      const after = await status(project, { url: db.url });
      expect(after.migrations.filter((entry) => entry.state !== "applied")).toEqual([]);
      expect(after.migrations.map((entry) => entry.checksum)).toEqual(migrations.map((migration) => migration.checksum));

      const again = await apply(project, { url: db.url, verify: false, noEvidence: true, cache: false });
      expect(again.failed).toBeNull();
      expect(again.applied).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
