import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { parseTableName } from "./parse-table-name.js";
import { parseAdoptTool } from "./tool-history.js";

describe("parseTableName", () => {
  it("reads schema.table and a bare table", () => {
    expect(parseTableName("ops.flyway_history")).toMatchObject({ schema: "ops", name: "flyway_history" });
    expect(parseTableName(" pgmigrations ")).toMatchObject({ schema: null, name: "pgmigrations", nameSpellings: ["pgmigrations"] });
  });

  it("folds unquoted parts as PostgreSQL does, and keeps quoted ones", () => {
    expect(parseTableName("Ops.History")).toMatchObject({ schemaSpellings: ["Ops", "ops"], nameSpellings: ["History", "history"] });
    expect(parseTableName('"My.Schema"."Odd ""name"""')).toMatchObject({
      schema: "My.Schema",
      name: 'Odd "name"',
      schemaSpellings: ["My.Schema"],
      nameSpellings: ['Odd "name"'],
    });
  });

  it.each(["", "a.b.c", "a.", ".b", "a b", '"unclosed'])("refuses %j with a hint", (text) => {
    expect(() => parseTableName(text)).toThrow(InputError);
    try {
      parseTableName(text);
    } catch (error) {
      expect((error as InputError).details.hint).toContain("schema.table");
    }
  });
});

describe("parseAdoptTool", () => {
  it("accepts the six tools", () => {
    expect(parseAdoptTool("Flyway")).toBe("flyway");
    expect(parseAdoptTool("node-pg-migrate")).toBe("node-pg-migrate");
  });

  it("refuses another tool, listing the six", () => {
    expect(() => parseAdoptTool("liquibase")).toThrow(/--from liquibase/);
    try {
      parseAdoptTool("liquibase");
    } catch (error) {
      expect((error as InputError).details.hint).toBe(
        "drydock reads the history tables of supabase, flyway, dbmate, golang-migrate, prisma, node-pg-migrate.",
      );
    }
    expect(() => parseAdoptTool(undefined)).toThrow(/needs --from <tool>/);
  });
});
