import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openEngine } from "../../src/db/open-engine.js";
import { parseTargetUrl } from "../../src/db/target-url.js";
import type { ApplyResult } from "../../src/model/apply-result.js";
import type { Report } from "../../src/model/report.js";
import { takeSnapshot } from "../../src/snapshot/take-snapshot.js";
import { runDrydock } from "../support/cli.js";
import { useTempProjects, writeFiles } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const base = {
  "migrations/001_accounts.sql": "CREATE TABLE public.accounts (id int PRIMARY KEY, balance numeric NOT NULL DEFAULT 0);\n",
  "migrations/001_accounts.down.sql": "DROP TABLE public.accounts;\n",
  "migrations/002_seed.sql": "INSERT INTO public.accounts SELECT g, g * 10 FROM generate_series(1, 20) g;\n",
  "migrations/002_seed.down.sql": "DELETE FROM public.accounts;\n",
};

/** What an apply must leave as it found it: the catalog and every table's rows (history included). */
async function stateOf(db: TestDatabase) {
  const snapshot = await takeSnapshot(db.engine, { schemas: ["public"], exactCounts: true });
  const { statistics, source: _source, ...catalog } = snapshot;
  const history = await db.query("SELECT version FROM drydock.migrations ORDER BY version");
  return { catalog, rows: statistics.relations.map((relation) => [relation.name, relation.row_count]), history };
}

describe("apply: pre-flight, gates, verification and automatic rollback", () => {
  const makeProject = useTempProjects();
  let db: TestDatabase;
  let evidence: string;
  beforeEach(async () => {
    db = await createTestDatabase();
    evidence = await mkdtemp(join(tmpdir(), "drydock-evidence-"));
  });
  afterEach(async () => {
    await db.drop();
    await rm(evidence, { recursive: true, force: true });
  });

  async function applyCli(root: string, ...extra: string[]) {
    const run = await runDrydock(["apply", "--dir", root, "--evidence-dir", evidence, "--json", ...extra]);
    return { run, result: JSON.parse(run.stdout) as ApplyResult };
  }

  it("rolls back this run when an invariant the new migration breaks fails, ending equal to the pre-apply state", async () => {
    const root = await makeProject({
      ...base,
      "drydock.toml": `[[checks.invariant]]\nname = "no negative balance"\nsql = "select count(*) from public.accounts where balance < 0"\nexpect = 0\n`,
    });
    expect((await applyCli(root, "--url", db.url)).run.code).toBe(0);
    const before = await stateOf(db);
    await writeFiles(root, {
      "migrations/003_fee.sql":
        "ALTER TABLE public.accounts ADD COLUMN fee numeric;\nUPDATE public.accounts SET balance = balance - 100, fee = 100;\n",
      "migrations/003_fee.down.sql": "UPDATE public.accounts SET balance = balance + fee;\nALTER TABLE public.accounts DROP COLUMN fee;\n",
    });
    const { run, result } = await applyCli(root, "--url", db.url);
    expect(run.code).toBe(1);
    expect(result.applied.map((step) => step.version)).toEqual(["003"]);
    expect(result.checks.find((check) => check.id === "data.invariants")?.status).toBe("fail");
    expect(result.rollback).toMatchObject({ status: "rolled-back", restored: true });
    expect(result.rollback.checks.find((check) => check.id === "data.invariants")?.status).toBe("pass");
    expect(await stateOf(db)).toEqual(before);
    const [last] = await db.query<{ outcome: string }>("SELECT outcome FROM drydock.runs ORDER BY id DESC LIMIT 1");
    expect(last?.outcome).toBe("rolled-back");
    expect(run.stderr).toContain("verification failed");
  });

  it('leaves the migrations applied with on_verify_failure = "stop", and says what to do', async () => {
    const root = await makeProject({
      ...base,
      "drydock.toml": `[apply]\non_verify_failure = "stop"\n\n[[checks.invariant]]\nname = "twenty accounts"\nsql = "select count(*) from public.accounts"\nexpect = 20\n`,
      "migrations/003_close.sql": "-- drydock:expect-rows public.accounts -any\nDELETE FROM public.accounts WHERE id > 15;\n",
      "migrations/003_close.down.sql": "SELECT 1;\n",
    });
    const { run, result } = await applyCli(root, "--url", db.url);
    expect(run.code).toBe(1);
    expect(result.rollback.status).toBe("stopped");
    expect(result.rollback.details.join(" ")).toContain("drydock rollback --steps 3");
    expect((await db.query("SELECT version FROM drydock.migrations")).length).toBe(3);
  });

  it("takes and verifies a backup first, and its evidence package holds the backup and every event of the run", async () => {
    const root = await makeProject({ ...base, "drydock.toml": '[env.production]\nurl = "${PRODUCTION_URL}"\nbackup = true\n' });
    const run = await runDrydock(
      ["apply", "--dir", root, "--env", "production", "--evidence-dir", evidence, "--verify-restore", "--json"],
      {
        PRODUCTION_URL: db.url,
      },
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ApplyResult;
    expect(result.backup).toMatchObject({ status: "done", restore_mismatches: [] });
    expect((await stat(result.backup?.file ?? "")).mode & 0o777).toBe(0o600);

    const folder = result.evidence_dir ?? "";
    const report = JSON.parse(await readFile(join(folder, "report.json"), "utf8")) as Report;
    expect(report.checks.find((check) => check.id === "apply.backup")).toMatchObject({
      status: "pass",
      observed: { file: result.backup?.file, tables: result.backup?.tables, restore_mismatches: 0 },
    });
    expect(await readFile(join(folder, "report.md"), "utf8")).toContain("apply.backup");
    const events = (await readFile(join(folder, "run.log.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { at: string; event: string });
    expect(events.map((entry) => entry.event)).toEqual([
      "connected",
      "plan",
      "preflight",
      "gates",
      "backup",
      "start",
      "applied",
      "start",
      "applied",
      "verified",
      "outcome",
    ]);
    expect(events.at(-1)).toMatchObject({ outcome: "applied", verdict: "GO" });
    expect(events.every((entry) => !Number.isNaN(Date.parse(entry.at)))).toBe(true);
  });

  it("exits 3 with nothing applied when the environment blocks it: a required backup without pg_dump, a user without CREATE", async () => {
    const root = await makeProject({ ...base, "drydock.toml": '[env.production]\nurl = "${PRODUCTION_URL}"\nbackup = "required"\n' });
    const emptyBin = await mkdtemp(join(tmpdir(), "drydock-no-pg-bin-"));
    const noTools = await runDrydock(["apply", "--dir", root, "--env", "production", "--evidence-dir", evidence, "--json"], {
      PRODUCTION_URL: db.url,
      DRYDOCK_PG_BIN: emptyBin,
    });
    await rm(emptyBin, { recursive: true, force: true });
    const withoutBackup = JSON.parse(noTools.stdout) as ApplyResult;
    expect({ code: noTools.code, byEnvironment: withoutBackup.blocked_by_environment, applied: withoutBackup.applied }).toEqual({
      code: 3,
      byEnvironment: true,
      applied: [],
    });
    expect(withoutBackup.blocked).toEqual([expect.stringMatching(/^backup: pg_dump not found in DRYDOCK_PG_BIN/)]);

    const role = `drydock_test_role_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(8).toString("hex");
    await db.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`); // PostgreSQL 15: no CREATE on public for PUBLIC
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = password;
      const denied = await applyCli(root, "--url", url.toString());
      expect({ code: denied.run.code, byEnvironment: denied.result.blocked_by_environment }).toEqual({ code: 3, byEnvironment: true });
      expect(denied.result.blocked).toEqual([expect.stringMatching(/^preflight\.privileges: /)]);
      const privileges = denied.result.preflight.find((check) => check.id === "preflight.privileges");
      expect(privileges?.details).toEqual([
        expect.stringContaining("no CREATE on schema public"),
        expect.stringContaining("needed to create drydock's history (schema drydock)"),
      ]);
      expect(denied.run.stdout).not.toContain(password);
    } finally {
      await db.exec(`DROP ROLE ${role}`);
    }
    expect(await db.query("SELECT to_regclass('public.accounts') AS accounts")).toEqual([{ accounts: null }]);
  });

  it("pre-flight stops the apply while another session holds a conflicting lock, naming it; then it goes through", async () => {
    // Transactions younger than the lock_timeout (floor 1 s) are routine traffic the retries handle.
    const root = await makeProject({ ...base, "drydock.toml": '[apply]\nlock_timeout = "200ms"\nlock_retries = 0\n' });
    expect((await applyCli(root, "--url", db.url)).run.code).toBe(0);
    await writeFiles(root, {
      "migrations/003_fee.sql": "ALTER TABLE public.accounts ADD COLUMN fee numeric;\n",
      "migrations/003_fee.down.sql": "ALTER TABLE public.accounts DROP COLUMN fee;\n",
    });
    const holder = await openEngine(parseTargetUrl(db.url), { applicationName: "reporting job" });
    await holder.exec("BEGIN");
    await holder.exec("SELECT count(*) FROM public.accounts WHERE 'p4ss-in-query' <> ''");
    const [{ pid } = { pid: 0 }] = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = await stateOf(db);
    const blocked = await applyCli(root, "--url", db.url);
    expect({ code: blocked.run.code, byEnvironment: blocked.result.blocked_by_environment }).toEqual({ code: 1, byEnvironment: false });
    expect(blocked.result.blocked?.join("\n")).toMatch(/preflight\.blocking_sessions/);
    const check = blocked.result.preflight.find((entry) => entry.id === "preflight.blocking_sessions");
    expect(check?.status).toBe("fail");
    expect(check?.details.join("\n")).toContain(String(pid));
    expect(JSON.stringify(blocked.result)).not.toContain("p4ss-in-query");
    expect(await stateOf(db)).toEqual(before);
    await holder.exec("COMMIT");
    await holder.close();
    const { run, result } = await applyCli(root, "--url", db.url);
    expect(run.code).toBe(0);
    expect(result.applied.map((step) => step.version)).toEqual(["003"]);
  });
});
