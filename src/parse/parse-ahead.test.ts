import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, expect, it } from "vitest";
import { ParseAhead } from "./parse-ahead.js";
import { loadParser, parserInputOf, parseSqlLoaded } from "./parse-sql.js";

beforeAll(() => loadParser());

const scripts = Array.from(
  { length: 40 },
  (_, i) => `CREATE TABLE t${i} (id int PRIMARY KEY, note text DEFAULT 'é${i}');
CREATE FUNCTION f${i}() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN ${i}; END $$;
\\set ON_ERROR_STOP on
DO $$ BEGIN PERFORM f${i}(); END $$;
`,
);
const broken = "CREATE TABLE ok (id int);\nCREATE TABLE broken (id int,,);\n";

/** Waits until the worker has sent everything (it parses 40 small scripts in well under this). */
const settle = () => sleep(1500);

it("gives the same scripts as parsing on this thread, parsed by the worker", async () => {
  const ahead = ParseAhead.start([...scripts, broken].map(parserInputOf), 0);
  expect(ahead).not.toBeNull();
  await settle();
  let fromWorker = 0;
  const counting = {
    take: (sql: string) => {
      const tree = ahead?.take(sql);
      if (tree) fromWorker++;
      return tree;
    },
  } as ParseAhead;
  for (const [i, script] of scripts.entries()) {
    expect(parseSqlLoaded(`${i}.sql`, script, counting)).toEqual(parseSqlLoaded(`${i}.sql`, script));
  }
  expect(fromWorker).toBe(scripts.length);
  // A script the worker could not parse is parsed here, and fails here, at its file:line:column.
  expect(() => parseSqlLoaded("broken.sql", broken, counting)).toThrow(
    expect.objectContaining({ details: expect.objectContaining({ location: { file: "broken.sql", line: 2, column: 29 } }) }),
  );
  ahead?.close();
});

it("leaves a script to the caller once it was taken, and after close", async () => {
  const [first, second] = scripts.map(parserInputOf);
  const ahead = ParseAhead.start([first ?? "", first ?? "", second ?? ""], 0);
  await settle();
  expect(ahead?.take(first ?? "")).toBeDefined();
  expect(ahead?.take(first ?? "")).toBeUndefined(); // the same text again: parse it again
  expect(ahead?.take("SELECT 'never sent'")).toBeUndefined();
  ahead?.close();
  expect(ahead?.take(second ?? "")).toBeUndefined();
});

it("starts no thread for a small project", () => {
  expect(ParseAhead.start(scripts)).toBeNull();
});
