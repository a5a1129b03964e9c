import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { typecheck } from "../support/typecheck.js";

const project = useTempProjects();
const secret = "Typ3s-S3cret_pw";

describe("drydock types", () => {
  let db: TestDatabase;
  const role = `drydock_types_${process.pid}`;
  beforeEach(async () => {
    db = await createTestDatabase("drydock_types_cli");
    await db.exec(`
      CREATE ROLE ${role} LOGIN PASSWORD '${secret}';
      CREATE TYPE public.mood AS ENUM ('sad', 'ok');
      CREATE TABLE public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL, mood public.mood);
    `);
  });
  afterEach(async () => {
    await db.drop();
    await createTestDatabase("drydock_types_cleanup").then(async (admin) => {
      await admin.exec(`DROP ROLE IF EXISTS ${role}`);
      await admin.drop();
    });
  });

  /** The test database's URL as a role whose password is the secret. */
  function secretUrl(): string {
    const url = new URL(db.url);
    url.username = role;
    url.password = secret;
    return url.toString();
  }

  it("prints the types on stdout, writes them with --output, and prints the result with --json, never the password", async () => {
    const dir = await project({ "drydock.toml": "[project]\n" });
    const printed = await runDrydock(["types", "--dir", dir, "--url", secretUrl()]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(
      '      notes: {\n        Row: {\n          body: string\n          id: number\n          mood: Database["public"]["Enums"]["mood"] | null\n',
    );
    expect(typecheck({ "database.ts": printed.stdout })).toEqual([]);

    const file = join(dir, "src", "database.types.ts");
    const written = await runDrydock(["types", "--dir", dir, "--url", secretUrl(), "--output", file]);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`wrote ${file}: schemas public from postgres://${role}:***@`);
    expect(await readFile(file, "utf8")).toBe(printed.stdout);

    const json = await runDrydock(["types", "--dir", dir, "--url", secretUrl(), "--json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ source: { kind: "database", env: "default" }, schemas: ["public"], typescript: printed.stdout });
    expect(result.source.url).toContain(":***@");
    for (const run of [printed, written, json]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it("reads the migrations with --from migrations, only the schemas of --schema", async () => {
    const dir = await project({
      "drydock.toml": '[project]\nschemas = ["public", "app"]\n',
      "migrations/0001_init.sql":
        "CREATE SCHEMA app;\nCREATE TABLE app.items (id serial PRIMARY KEY, tags text[]);\nCREATE TABLE public.other (id int);\n",
    });
    const run = await runDrydock(["types", "--dir", dir, "--from", "migrations", "--schema", "app", "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.schemas).toEqual(["app"]);
    expect(result.source.kind).toBe("migrations");
    expect(result.typescript).toContain("      items: {\n        Row: {\n          id: number\n          tags: string[] | null\n");
    expect(result.typescript).not.toContain("other");
  });

  it.each([
    [
      "an unknown source",
      ["--from", "nowhere"],
      /types --from "nowhere" is not migrations/,
      /hint: Use migrations, a postgres:\/\/ or pglite: URL/,
    ],
    ["an unknown schema", ["--schema", "nope"], /no schema "nope" in postgres:\/\/.*:\*\*\*@/, /hint: Check --schema/],
    ["no source at all", [], /types has no schema to read/, /hint: Pass --from migrations/],
  ])("exits 2 on %s, with a hint", async (_, args, message, hint) => {
    const dir = await project({ "drydock.toml": "[project]\n" });
    const withUrl = args[0] === "--schema" ? ["--url", secretUrl()] : [];
    const run = await runDrydock(["types", "--dir", dir, ...withUrl, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(hint);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toContain(secret);
  });

  it("exits 3 when the database cannot be reached, without the password", async () => {
    const dir = await project({ "drydock.toml": "[project]\n" });
    const run = await runDrydock(["types", "--dir", dir, "--url", `postgres://app:${secret}@127.0.0.1:1/app`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("***");
    expect(run.stderr).not.toContain(secret);
  });
});
