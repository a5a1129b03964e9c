import { afterEach, expect, it } from "vitest";
import { forEachEngine, type TestTarget } from "../../test/support/engines.js";
import type { Engine } from "./engine.js";
import { readServerVersion } from "./engine.js";
import { openPgliteEngine } from "./engines/pglite.js";
import { ServerError } from "./server-error.js";

forEachEngine("engine", (newTarget) => {
  let target: TestTarget;
  let engine: Engine;
  afterEach(async () => {
    await engine?.close();
    await target?.dispose();
  });

  it("runs several statements at once and returns their notices", async () => {
    target = await newTarget();
    engine = await target.open();
    const notices = await engine.exec(
      "CREATE TABLE t (id int); DROP TABLE IF EXISTS missing; DO $$ BEGIN RAISE WARNING 'careful'; END $$;",
    );
    expect(notices.map((notice) => [notice.severity, notice.message])).toEqual([
      ["NOTICE", 'table "missing" does not exist, skipping'],
      ["WARNING", "careful"],
    ]);
    expect(await engine.query("SELECT count(*)::int AS n FROM t WHERE id = $1", [1])).toEqual([{ n: 0 }]);
  });

  it("keeps SQLSTATE, condition and position of server errors", async () => {
    target = await newTarget();
    engine = await target.open();
    const error = await engine.exec("SELECT nope FROM pg_class").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ sqlstate: "42703", condition: "undefined_column", position: 8, message: 'column "nope" does not exist' });
  });

  it("runs a batch of queries in one call and returns the rows of each", async () => {
    target = await newTarget();
    engine = await target.open();
    expect(await engine.queryEach([])).toEqual([]);
    expect(
      await engine.queryEach([
        "SELECT 1 AS a -- a trailing comment",
        "SELECT 2.5::float8 AS b UNION ALL SELECT 3",
        "SELECT 'x' AS c WHERE false",
      ]),
    ).toEqual([[{ a: 1 }], [{ b: 2.5 }, { b: 3 }], []]);
    // Outside a transaction the batch is one: a failure undoes what came before it.
    await engine.exec("CREATE TABLE t (id int)");
    const error = await engine
      .queryEach(["INSERT INTO t VALUES (1) RETURNING id", "SELECT nope FROM t", "INSERT INTO t VALUES (2) RETURNING id"])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ sqlstate: "42703", message: 'column "nope" does not exist' });
    expect(await engine.query("SELECT count(*)::int AS n FROM t")).toEqual([{ n: 0 }]);
    await expect(engine.queryEach(["SELECT 1; SELECT 2"])).rejects.toThrow(/1 statements returned 2 results/);
  });

  it("holds one session: a transaction spans calls", async () => {
    target = await newTarget();
    engine = await target.open();
    await engine.exec("BEGIN; CREATE TABLE t (id int);");
    await engine.exec("ROLLBACK");
    expect(await engine.query("SELECT to_regclass('t') AS t")).toEqual([{ t: null }]);
    expect((await readServerVersion(engine)).major).toBeGreaterThanOrEqual(13);
  });
});

it("names an extension PGlite does not ship, with the hint to use a server", async () => {
  await expect(openPgliteEngine({ dataDir: null, urlRedacted: "pglite:memory", extensions: ["postgis"] })).rejects.toThrow(
    /embedded engine \(PGlite\) has no extension postgis/,
  );
});
