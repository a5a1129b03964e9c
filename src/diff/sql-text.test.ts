import { describe, expect, it } from "vitest";
import { mentionedAmong, mentions, mentionsAnyOf, qualifiedNamesIn } from "./sql-text.js";

describe("qualifiedNamesIn", () => {
  it("reads bare, quoted and mixed spellings as the text has them", () => {
    const text = 'SELECT u.id FROM app.users u JOIN "App"."Orders" o ON true JOIN app."Line items" l ON true';
    expect([...qualifiedNamesIn(text)]).toEqual(["u.id", "app.users", '"App"."Orders"', 'app."Line items"']);
  });

  it("keeps doubled quotes inside a quoted part", () => {
    expect([...qualifiedNamesIn('SELECT * FROM app."say ""hi"""')]).toEqual(['app."say ""hi"""']);
  });

  it("reads only the first two parts of a longer dotted name", () => {
    expect([...qualifiedNamesIn("db.app.users")]).toEqual(["db.app"]);
  });

  it("reads a name glued to a word character, `$` or a quote only as part of a longer one", () => {
    const names = qualifiedNamesIn('xapp.users app.usersX app.users$ app.users" $app.users "app.users');
    expect(names.has("app.users")).toBe(false);
    expect([...names]).toEqual(["xapp.users", "app.users$"]);
  });
});

describe("mentions", () => {
  it.each([
    ["a bare name", "SELECT * FROM app.users", "app", "users"],
    ["a quoted name", 'SELECT * FROM "app"."users"', "app", "users"],
    ["a name that needs quotes", 'SELECT * FROM app."Users"', "app", "Users"],
    ["a name at the very start and end", "app.users", "app", "users"],
    ["a name beside non-ASCII text", "é app.users é", "app", "users"],
    ["a row type in a signature", "r app.users, n integer", "app", "users"],
  ])("finds %s", (_, text, schema, name) => expect(mentions(text, schema, name)).toBe(true));

  it.each([
    ["a longer name", "SELECT * FROM app.users_archive", "app", "users"],
    ["a name inside another's schema", "SELECT * FROM myapp.users", "app", "users"],
    ["an unquoted name that needs quotes", "SELECT * FROM app.Users", "app", "Users"],
    ["a third part", "SELECT * FROM db.app.users", "app", "users"],
    ["an unqualified name", "SELECT * FROM users", "app", "users"],
  ])("does not find %s", (_, text, schema, name) => expect(mentions(text, schema, name)).toBe(false));
});

describe("mentionedAmong", () => {
  it("gives the objects a text names in the order they were given", () => {
    const views = [
      { schema: "app", name: "b" },
      { schema: "app", name: "a" },
      { schema: "App", name: "C" },
    ];
    const mentionedIn = mentionedAmong(views);
    expect(mentionedIn('SELECT * FROM "App"."C", app.a, app.b')).toEqual(views);
    expect(mentionedIn("SELECT * FROM app.a")).toEqual([views[1]]);
    expect(mentionedIn("SELECT 1")).toEqual([]);
  });
});

describe("mentionsAnyOf", () => {
  it("tells whether a text names any of the objects", () => {
    const namesTable = mentionsAnyOf([{ schema: "app", name: "users" }]);
    expect(namesTable("u app.users")).toBe(true);
    expect(namesTable("u app.users_v")).toBe(false);
  });
});
