import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runDrydock } from "../../test/support/cli.js";
import { useTempProjects } from "../../test/support/temp-project.js";
import { databaseUrl, serverUrl, useTestDatabase } from "../../test/support/test-database.js";
import { createBackup } from "../backup/create-backup.js";
import { countRows } from "../backup/verify-backup.js";
import { runCli } from "../cli/program.js";
import { readServerVersion } from "../db/engine.js";
import { ensureHistory, finishRun, startRun, thisProcessRun } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { parseTargetUrl } from "../db/target-url.js";
import { InputError } from "../errors/drydock-error.js";
import { quoteIdent } from "../util/quote-ident.js";
import { loadProject } from "./load-project.js";
import { type RestoreConfirmation, rollbackFromBackup } from "./rollback-from-backup.js";

const db = useTestDatabase();
const makeProject = useTempProjects();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A database with rows and a drydock history, its backup, then a lost table and lost rows. */
async function damagedWithBackup(): Promise<{ file: string; rowsBefore: Map<string, number> }> {
  await db.current.exec(`
    CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL);
    CREATE TABLE notes (id serial PRIMARY KEY, account_id int REFERENCES accounts (id));
    INSERT INTO accounts (email) SELECT 'user' || g FROM generate_series(1, 40) g;
    INSERT INTO notes (account_id) SELECT 1 + g % 40 FROM generate_series(1, 80) g;`);
  await ensureHistory(db.current.engine);
  const rowsBefore = await countRows(db.current.engine);
  const dir = await mkdtemp(join(tmpdir(), "drydock-backup-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const serverVersion = await readServerVersion(db.current.engine);
  const { file } = await createBackup(parseTargetUrl(db.current.url), { dir, serverVersion, label: "production", now: new Date() });
  await db.current.exec("DROP TABLE notes; DELETE FROM accounts WHERE id > 5;");
  return { file, rowsBefore };
}

async function runs(): Promise<{ command: string; outcome: string; actor: string | null; report: { mode?: string; error?: string } }[]> {
  return db.current.query("SELECT command, outcome, actor, report FROM drydock.runs ORDER BY id");
}

describe("drydock rollback --from-backup", () => {
  it("refuses without --yes when it cannot ask (not a terminal), with exit 2, and changes nothing", async () => {
    const { file } = await damagedWithBackup();
    const dir = await makeProject({});
    const result = await runDrydock(["rollback", "--dir", dir, "--url", db.current.url, "--from-backup", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not confirmed");
    expect(result.stderr).toContain("Pass --yes");
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(5);
  });

  it("restores into the target with --yes and records the run with its actor", async () => {
    const { file, rowsBefore } = await damagedWithBackup();
    const dir = await makeProject({});
    const args = ["rollback", "--dir", dir, "--url", db.current.url, "--from-backup", file, "--yes", "--by", "alice", "--json"];
    const result = await runDrydock(args);
    expect(result.stderr).toContain("restored");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      env: "default",
      restored: { mode: "target", database: db.current.name },
      runs_kept: 0,
      run_id: expect.any(Number),
    });
    const counts = await countRows(db.current.engine);
    counts.delete("drydock.runs"); // the restore's own run was added after it
    rowsBefore.delete("drydock.runs");
    expect(counts).toEqual(rowsBefore);
    expect(await runs()).toEqual([
      { command: "rollback", outcome: "restored", actor: "alice", report: expect.objectContaining({ mode: "target" }) },
    ]);
  });

  it("keeps the runs since the backup in the audit trail, as they ended, and numbers new runs after them", async () => {
    await ensureHistory(db.current.engine);
    const before = await startRun(db.current.engine, thisProcessRun("apply", "production", "plan-1", "carol"));
    const { file } = await damagedWithBackup(); // taken while that apply runs: the backup holds it "running"
    await finishRun(db.current.engine, before, "rolled back", { reason: "verification failed" });
    const after = await startRun(db.current.engine, thisProcessRun("verify", "production", null, "carol"));
    await finishRun(db.current.engine, after, "fail", null);
    const project = await loadProject({ dir: await makeProject({}), environment: { PATH: process.env.PATH } });

    const result = await rollbackFromBackup(project, { url: db.current.url, file, yes: true, by: "dave" });
    expect(result.runs_kept).toBe(2);
    expect(await runs()).toEqual([
      { command: "apply", outcome: "rolled back", actor: "carol", report: { reason: "verification failed" } },
      { command: "verify", outcome: "fail", actor: "carol", report: null },
      { command: "rollback", outcome: "restored", actor: "dave", report: expect.objectContaining({ mode: "target" }) },
    ]);
    expect(result.run_id).toBeGreaterThan(after);
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(40);
  });

  it("restores into a new database with --into new, without confirmation, leaving the target as it is", async () => {
    const { file, rowsBefore } = await damagedWithBackup();
    const dir = await makeProject({});
    const result = await runDrydock(["rollback", "--dir", dir, "--url", db.current.url, "--from-backup", file, "--into", "new", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    const name = json.restored.database as string;
    cleanups.push(async () => {
      const admin = await openEngine(parseTargetUrl(serverUrl()));
      await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).finally(() => admin.close());
    });
    // Redacted: the embedded test server has a password (the CI server has none).
    expect(json).toMatchObject({ restored: { mode: "new", url_redacted: parseTargetUrl(databaseUrl(name)).urlRedacted }, run_id: null });
    expect(result.stderr).toContain("was not touched");
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(5);
    expect(await runs()).toEqual([]);
    const restored = await openEngine(parseTargetUrl(databaseUrl(name)));
    try {
      expect(await countRows(restored)).toEqual(rowsBefore);
    } finally {
      await restored.close();
    }
  });

  it("is bad input when the file does not exist, and a named limitation on the embedded engine", async () => {
    const dir = await makeProject({});
    const missing = await runDrydock(["rollback", "--dir", dir, "--url", db.current.url, "--from-backup", join(dir, "nope.dump"), "--yes"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("does not exist");
    const { file } = await damagedWithBackup();
    const embedded = await runDrydock(["rollback", "--dir", dir, "--url", "pglite:memory", "--from-backup", file, "--yes"]);
    expect(embedded.code).toBe(3);
    expect(embedded.stderr).toContain("the embedded engine has no pg_dump");
  });

  it("on a terminal, asks for the database name and restores only when it is typed", async () => {
    const { file } = await damagedWithBackup();
    const dir = await makeProject({});
    const questions: string[] = [];
    const ask = async (answer: string) => {
      let stderr = "";
      const io = {
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        environment: { PATH: process.env.PATH },
        isTty: true,
        exitCode: 0 as const,
        prompt: async (question: string) => {
          questions.push(question);
          return answer;
        },
      };
      const code = await runCli(["rollback", "--no-color", "--dir", dir, "--url", db.current.url, "--from-backup", file], {
        ...io,
        exitCode: 0,
      });
      return { code, stderr };
    };
    const wrong = await ask("production");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("not confirmed, nothing was changed");
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(5);
    expect(questions[0]).toContain(`This replaces the content of ${db.current.name}`);
    expect(questions[0]).toContain("Type the database name to confirm: ");
    expect((await ask(` ${db.current.name}\n`)).code).toBe(0);
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(40);
  });

  it("asks for no mode at all with exit 2", async () => {
    const dir = await makeProject({});
    const result = await runDrydock(["rollback", "--dir", dir, "--url", db.current.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--from-backup");
  });
});

describe("rollbackFromBackup", () => {
  it("asks for confirmation, shows the database and the backup, and restores only when told yes", async () => {
    const { file } = await damagedWithBackup();
    const project = await loadProject({ dir: await makeProject({}), environment: { PATH: process.env.PATH } });
    const asked: RestoreConfirmation[] = [];
    const refused = await rollbackFromBackup(project, {
      url: db.current.url,
      file,
      yes: false,
      confirm: async (request) => {
        asked.push(request);
        return false;
      },
    }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(InputError);
    expect(String(refused)).toContain("not confirmed, nothing was changed");
    expect(asked).toEqual([
      expect.objectContaining({ database: db.current.name, file, backup: expect.objectContaining({ database: db.current.name }) }),
    ]);
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(5);

    const result = await rollbackFromBackup(project, { url: db.current.url, file, yes: false, confirm: async () => true });
    expect(result.restored.mode).toBe("target");
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(40);
  });

  it("records a failed restore in the target's history; the target is unchanged", async () => {
    // The backup makes a table owned by a role that is gone by the time of the restore: it fails there.
    const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
    await db.current.exec(`CREATE ROLE ${role}; CREATE TABLE owned (v int); ALTER TABLE owned OWNER TO ${role};`);
    const { file } = await damagedWithBackup();
    await db.current.exec(`DROP TABLE owned; DROP ROLE ${role}; CREATE TABLE later (v int);`);
    const project = await loadProject({ dir: await makeProject({}), environment: { PATH: process.env.PATH } });
    await expect(rollbackFromBackup(project, { url: db.current.url, file, yes: true, by: "bob" })).rejects.toThrow(/does not exist/);
    expect(await runs()).toEqual([
      {
        command: "rollback",
        outcome: "failed",
        actor: "bob",
        report: expect.objectContaining({ error: expect.stringContaining(`role "${role}" does not exist`) }),
      },
    ]);
    expect(await db.current.query("SELECT to_regclass('public.later') IS NOT NULL AS kept")).toEqual([{ kept: true }]);
    expect((await countRows(db.current.engine)).get("public.accounts")).toBe(5);
  });
});
