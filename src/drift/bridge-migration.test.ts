import { describe, expect, it } from "vitest";
import { columnSnapshot, emptySnapshot, indexSnapshot, tableSnapshot } from "../../test/support/snapshot-builders.js";
import type { ColumnSnapshot, IndexSnapshot } from "../model/snapshot.js";
import { bridgeMigration } from "./bridge-migration.js";

const withUsers = (columns: ColumnSnapshot[], indexes: IndexSnapshot[]) =>
  emptySnapshot({ tables: [tableSnapshot("users", { columns, indexes })] });

// Migrations made users(email) with an index; prod added a column by hand and dropped the index.
const migrations = withUsers(
  [columnSnapshot("email", 1, "text")],
  [indexSnapshot("users_email_idx", "CREATE INDEX users_email_idx ON app.users USING btree (email)")],
);
const prod = withUsers([columnSnapshot("email", 1, "text"), columnSnapshot("nickname", 2, "text")], []);
const header = ["Bridge migration written by drydock drift.", "", "It captures prod's hotfixes."];

describe("bridgeMigration", () => {
  it("leaves the drops out of the up, as comments, and undoes only what the up does", () => {
    const bridge = bridgeMigration({ from: migrations, to: prod, allowDestructive: false, header });
    expect(bridge?.statements).toEqual(['ALTER TABLE "app"."users" ADD COLUMN "nickname" text;']);
    expect(bridge?.left_out).toEqual(['-- destructive: index app.users_email_idx\nDROP INDEX "app"."users_email_idx";']);
    expect(bridge?.up).toBe(
      [
        "-- Bridge migration written by drydock drift.",
        "--",
        "-- It captures prod's hotfixes.",
        "",
        'ALTER TABLE "app"."users" ADD COLUMN "nickname" text;',
        "",
        "-- Left out: destructive statements. Run drift again with --allow-destructive to include them,",
        "-- or write them in a migration of their own.",
        "-- -- destructive: index app.users_email_idx",
        '-- DROP INDEX "app"."users_email_idx";',
        "",
      ].join("\n"),
    );
    expect(bridge?.down).toBe(
      [
        "-- Undoes the bridge: back to the schema it was applied to.",
        "",
        '-- destructive: column app.users.nickname and its data\nALTER TABLE "app"."users" DROP COLUMN "nickname";',
        "",
      ].join("\n"),
    );
  });

  it("keeps the drops with allowDestructive, and the down makes them again", () => {
    const bridge = bridgeMigration({ from: migrations, to: prod, allowDestructive: true, header });
    expect(bridge?.left_out).toEqual([]);
    expect(bridge?.statements).toContain('-- destructive: index app.users_email_idx\nDROP INDEX "app"."users_email_idx";');
    expect(bridge?.up).not.toContain("Left out");
    expect(bridge?.down).toContain("CREATE INDEX IF NOT EXISTS users_email_idx ON app.users USING btree (email);");
  });

  it("is null when the up would run nothing", () => {
    const onlyDropped = withUsers([columnSnapshot("email", 1, "text")], []);
    expect(bridgeMigration({ from: migrations, to: onlyDropped, allowDestructive: false, header })).toBeNull();
    expect(bridgeMigration({ from: migrations, to: migrations, allowDestructive: true, header })).toBeNull();
  });
});
