import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyMigrations, runPreflightCheck } from "../../../test/support/preflight-context.js";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { openEngine } from "../../db/open-engine.js";
import { parseTargetUrl } from "../../db/target-url.js";
import { extensions } from "./extensions.js";

describe("preflight.extensions", () => {
  const db = useTestDatabase();

  it("passes when nothing creates an extension", async () => {
    const result = await runPreflightCheck(extensions, db.current.engine, { migrations: { "0001_t.sql": "CREATE TABLE t (id int);" } });
    expect(result).toMatchObject({ id: "preflight.extensions", status: "pass", observed: { required: 0, missing: 0 } });
  });

  it("passes when each extension is installed or available", async () => {
    const migrations = { "0001_ext.sql": "CREATE EXTENSION IF NOT EXISTS plpgsql;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;" };
    const result = await runPreflightCheck(extensions, db.current.engine, { migrations });
    expect(result).toMatchObject({
      status: "pass",
      summary: "2 extensions needed: 1 installed, 1 available",
      observed: { required: 2, installed: 1, available: 1, missing: 0, extensions: { plpgsql: "installed", pgcrypto: "available" } },
      details: [],
    });
  });

  it("fails naming the extension the server does not have, and the migration that creates it", async () => {
    const migrations = {
      "0001_crypto.sql": "CREATE EXTENSION IF NOT EXISTS pgcrypto;",
      "0002_vectors.sql": "CREATE EXTENSION drydock_no_such_extension;",
    };
    const result = await runPreflightCheck(extensions, db.current.engine, { migrations });
    expect(result).toMatchObject({
      status: "fail",
      summary: "1 of 2 extensions the pending migrations create not available: drydock_no_such_extension",
      observed: { required: 2, installed: 0, available: 1, missing: 1 },
    });
    expect(result.details).toEqual([expect.stringMatching(/^drydock_no_such_extension \(created by 0002\): not available on this server/)]);
  });

  it("looks only at pending migrations: an applied one's extension is not asked for again", async () => {
    const applied = { "0001_crypto.sql": "CREATE EXTENSION IF NOT EXISTS pgcrypto;" };
    await applyMigrations(db.current.engine, applied);
    const migrations = { ...applied, "0002_t.sql": "CREATE TABLE t (id int);" };
    const result = await runPreflightCheck(extensions, db.current.engine, { migrations });
    expect(result).toMatchObject({ status: "pass", observed: { required: 0 } });
  });
});

describe("preflight.extensions [pglite]", () => {
  it("counts an extension PGlite was opened with as available, and one it was not as missing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "drydock-pglite-"));
    const engine = await openEngine(parseTargetUrl(`pglite:${dir}`), { extensions: ["pgcrypto"] });
    try {
      const migrations = { "0001_ext.sql": "CREATE EXTENSION pgcrypto;\nCREATE EXTENSION hstore;" };
      const result = await runPreflightCheck(extensions, engine, { migrations });
      expect(result).toMatchObject({
        status: "fail",
        observed: { required: 2, available: 1, missing: 1, extensions: { pgcrypto: "available", hstore: "missing" } },
      });
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
