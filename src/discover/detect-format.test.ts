import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../test/support/temp-project.js";
import type { MigrationFormat } from "../model/migration.js";
import { detectFormat } from "./detect-format.js";

const makeProject = useTempMigrationProjects();

const layouts: [MigrationFormat, Record<string, string>][] = [
  ["sqitch", { "migrations/sqitch.plan": "", "migrations/deploy/a.sql": "" }],
  ["graphile-migrate", { "migrations/committed/000001.sql": "", "migrations/current.sql": "" }],
  ["prisma", { "migrations/20240101000000_init/migration.sql": "", "migrations/migration_lock.toml": "" }],
  ["diesel", { "migrations/2024-01-01-000000_init/up.sql": "", "migrations/2024-01-01-000000_init/down.sql": "" }],
  ["flyway", { "migrations/V1__init.sql": "", "migrations/V2__more.sql": "" }],
  ["flyway", { "migrations/R__views.sql": "" }],
  ["flyway", { "migrations/2024/V1__init.sql": "", "migrations/README.md": "" }],
  ["golang-migrate", { "migrations/1_init.up.sql": "", "migrations/1_init.down.sql": "" }],
  ["golang-migrate", { "migrations/V0001.Initial_Schema.up.sql": "" }],
  ["goose", { "migrations/001_init.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nselect 1;" }],
  ["sql-migrate", { "migrations/1_init.sql": "-- +migrate Up\nselect 1;\n-- +migrate Down\n" }],
  ["dbmate", { "migrations/20240101000000_init.sql": "-- migrate:up\nselect 1;\n-- migrate:down\n" }],
  ["plain", { "migrations/0001_init.sql": "select 1;\n-- migrate:down\nselect 2;" }],
  [
    "plain",
    {
      "migrations/0001_init.sql": "select 1;",
      "migrations/0001_init.down.sql": "",
      "migrations/meta/_journal.json": "{}",
    },
  ],
  ["plain", {}],
  // A plain project with one file written by `drydock new` (sections) stays plain.
  [
    "plain",
    {
      "migrations/0001_init.sql": "select 1;",
      "migrations/20261121064743_add_b.sql": "-- migrate:up\nselect 2;\n-- migrate:down\nselect 3;\n",
    },
  ],
];

describe("detectFormat", () => {
  it.each(layouts)("detects %s", async (format, files) => {
    const { migrationsDir } = await makeProject(files);
    expect(await detectFormat(migrationsDir)).toBe(format);
  });

  it("does not mistake a marker inside a line for a section marker", async () => {
    const { migrationsDir } = await makeProject({ "migrations/1_a.sql": "select '-- +goose Up';" });
    expect(await detectFormat(migrationsDir)).toBe("plain");
  });
});
