import { describe, expect, it } from "vitest";
import { InputError } from "../errors/drydock-error.js";
import { substituteVariables } from "./substitute-variables.js";

const variables = { OWNER: "app_owner", NOTE: "it's", PATH: "C:\\tmp", ROLE: 'we"ird', text: "NOPE" };

describe("substituteVariables", () => {
  it("replaces :NAME, :'NAME' and :\"NAME\" like psql", () => {
    expect(substituteVariables("grant all on schema public to :OWNER;", variables)).toBe("grant all on schema public to app_owner;");
    expect(substituteVariables("select :'NOTE';", variables)).toBe("select 'it''s';");
    expect(substituteVariables('create role :"ROLE";', variables)).toBe('create role "we""ird";');
    expect(substituteVariables("select :'PATH';", variables)).toBe("select  E'C:\\\\tmp';");
  });

  it("leaves names that are not defined alone", () => {
    expect(substituteVariables("select :UNDEFINED, :'UNDEFINED', :\"UNDEFINED\";", variables)).toBe(
      "select :UNDEFINED, :'UNDEFINED', :\"UNDEFINED\";",
    );
  });

  it("never touches casts, even when a variable has the type's name", () => {
    const sql = "select x::text, y ::text, '1'::text[] from t;";
    expect(substituteVariables(sql, variables)).toBe(sql);
  });

  it("does not look inside strings, quoted identifiers, dollar quotes or comments", () => {
    const sql = [
      "select ':OWNER', E'\\':OWNER', \":OWNER\";",
      "create function f() returns text as $$ select ':OWNER' || :OWNER $$ language sql;",
      "do $body$ begin perform :OWNER; end $body$;",
      "-- grant to :OWNER",
      "/* outer /* nested :OWNER */ still :OWNER */ select 1;",
    ].join("\n");
    expect(substituteVariables(sql, variables)).toBe(sql);
  });

  it("substitutes after a string ends and leaves array slices with other names alone", () => {
    expect(substituteVariables("select 'a' || :'NOTE', arr[1:n], (:OWNER);", variables)).toBe(
      "select 'a' || 'it''s', arr[1:n], (app_owner);",
    );
    expect(substituteVariables("select $1, a$b, :OWNER;", variables)).toBe("select $1, a$b, app_owner;");
  });

  it("keeps the line structure", () => {
    const sql = "grant usage\n  on schema s\n  to :OWNER;\n";
    const result = substituteVariables(sql, variables);
    expect(result.split("\n")).toHaveLength(sql.split("\n").length);
    expect(result.split("\n")[2]).toBe("  to app_owner;");
  });

  it("refuses a value with a line break, which would shift lines", () => {
    expect(() => substituteVariables("select :BAD;", { BAD: "a\nb" }, "migrations/1_x.sql")).toThrow(InputError);
    expect(() => substituteVariables("select :BAD;", { BAD: "a\nb" }, "migrations/1_x.sql")).toThrow(/BAD.*migrations\/1_x\.sql/);
  });

  it("returns the text unchanged when there are no variables", () => {
    expect(substituteVariables("select :OWNER;", {})).toBe("select :OWNER;");
  });
});
