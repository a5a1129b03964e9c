import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { hasSectionMarkers, splitSections } from "./split-sections.js";

const goose = [
  "-- +goose Up",
  "-- +goose StatementBegin",
  "create function f() returns int as $$ select 1; $$ language sql;",
  "-- +goose StatementEnd",
  "",
  "-- +goose Down",
  "drop function f();",
].join("\n");

describe("splitSections", () => {
  it("blanks the other direction and the markers, keeping line numbers", () => {
    const { up, down } = splitSections(goose, "goose", "migrations/001_f.sql");
    expect(up.sql.split("\n")).toEqual(["", "", "create function f() returns int as $$ select 1; $$ language sql;", "", "", "", ""]);
    expect(down?.sql.split("\n")).toEqual(["", "", "", "", "", "", "drop function f();"]);
    expect(up.formatAllowsTransaction).toBe(true);
  });

  it("reads goose NO TRANSACTION for both directions, wherever it is", () => {
    const { up, down } = splitSections(`-- +goose NO TRANSACTION\n${goose}`, "goose", "x.sql");
    expect(up.formatAllowsTransaction).toBe(false);
    expect(down?.formatAllowsTransaction).toBe(false);
  });

  it("accepts goose annotations in any case, as goose does", () => {
    const { up } = splitSections("-- +goose up\nselect 1;\n-- +goose down\nselect 2;", "goose", "x.sql");
    expect(up.sql).toBe("\nselect 1;\n\n");
  });

  it("reads sql-migrate notransaction per direction", () => {
    const source = "-- +migrate Up notransaction\ncreate index concurrently i on t (a);\n-- +migrate Down\ndrop index i;\n";
    const { up, down } = splitSections(source, "sql-migrate", "x.sql");
    expect(up.formatAllowsTransaction).toBe(false);
    expect(down?.formatAllowsTransaction).toBe(true);
    expect(down?.sql.split("\n")[3]).toBe("drop index i;");
  });

  it("reads dbmate transaction:false", () => {
    const source = "-- migrate:up transaction:false\nselect 1;\n-- migrate:down\nselect 2;\n";
    const { up, down } = splitSections(source, "dbmate", "x.sql");
    expect(up.formatAllowsTransaction).toBe(false);
    expect(down?.formatAllowsTransaction).toBe(true);
  });

  it("has no down script without a down marker, and an empty one with an empty section", () => {
    expect(splitSections("-- +goose Up\nselect 1;\n", "goose", "x.sql").down).toBeNull();
    expect(splitSections("-- +goose Up\nselect 1;\n-- +goose Down\n", "goose", "x.sql").down?.sql.trim()).toBe("");
  });

  it("keeps comments above the first marker in both directions", () => {
    const { up, down } = splitSections(
      "-- drydock:no-transaction\n/* why */\n-- +goose Up\nselect 1;\n-- +goose Down\nselect 2;",
      "goose",
      "x.sql",
    );
    expect(up.sql.split("\n").slice(0, 2)).toEqual(["-- drydock:no-transaction", "/* why */"]);
    expect(down?.sql.split("\n").slice(0, 2)).toEqual(["-- drydock:no-transaction", "/* why */"]);
  });

  it("refuses SQL above the first marker, naming file and line", () => {
    expect(() => splitSections("-- header\nselect 1;\n-- +goose Up\nselect 2;", "goose", "migrations/1_x.sql")).toThrow(
      'migrations/1_x.sql:2 has SQL before the first "-- +goose Up" marker',
    );
  });

  it("refuses a file without an up marker", () => {
    expect(() => splitSections("select 1;", "sql-migrate", "migrations/1_x.sql")).toThrow(InputError);
    expect(() => splitSections("select 1;", "sql-migrate", "migrations/1_x.sql")).toThrow(
      'migrations/1_x.sql has no "-- +migrate Up" marker',
    );
  });

  it("refuses an unknown marker", () => {
    expect(() => splitSections("-- +goose Up\n-- +goose Sideways\n", "goose", "migrations/1_x.sql")).toThrow(
      /unknown goose marker "-- \+goose Sideways" in migrations\/1_x\.sql:2/,
    );
  });

  it("puts lines before the first marker in the up script when the up part is implicit", () => {
    const { up, down } = splitSections("create table t ();\n-- migrate:down\ndrop table t;", "dbmate", "x.sql", {
      isUpImplicit: true,
    });
    expect(up.sql).toBe("create table t ();\n\n");
    expect(down?.sql).toBe("\n\ndrop table t;");
  });
});

describe("hasSectionMarkers", () => {
  it("finds markers at the start of a line only", () => {
    expect(hasSectionMarkers("select 1; -- +goose Up", "goose")).toBe(false);
    expect(hasSectionMarkers("select 1;\n-- +goose Up", "goose")).toBe(true);
    expect(hasSectionMarkers("-- migrate:down\n", "dbmate")).toBe(true);
  });
});
