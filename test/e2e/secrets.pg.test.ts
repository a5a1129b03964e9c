import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDrydock, spawnDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const project = useTempProjects();
const secret = "Sup3r-S3cret_pw";

/** The database's URL as a login role whose password is the secret (right on any auth method). */
function asSecretRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = secret;
  return parsed.toString();
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

describe("no password in any output, log or error", () => {
  it.each([
    ["a refused connection", `postgres://app:${secret}@127.0.0.1:1/app`, 3],
    ["an unknown host", `postgres://app:${secret}@no-such-host.invalid:5432/app`, 3],
    ["a malformed URL", `postgres://app:${secret}@127.0.0.1:notaport/app`, 2],
  ])("when %s fails, with and without --verbose", async (_, url, exitCode) => {
    const dir = await project({ "migrations/0001_a.sql": "CREATE TABLE a (id int);\n" });
    for (const extra of [[], ["--verbose"], ["--json"]]) {
      const run = await runDrydock(["apply", "--dir", dir, "--url", url, ...extra]);
      expect(run.code).toBe(exitCode);
      expect(run.stderr).toContain("error:");
      expect(run.stderr).toContain("***");
      expectNoSecret(run.stdout, run.stderr);
    }
  });

  it("when the URL comes from drydock.toml through ${VAR} and the connection fails", async () => {
    const dir = await project({
      "drydock.toml": '[env.production]\nurl = "${PROD_URL}"\n',
      "migrations/0001_a.sql": "CREATE TABLE a (id int);\n",
    });
    const run = await spawnDrydock(["status", "--dir", dir, "--env", "production", "--verbose"], {
      PROD_URL: `postgres://app:${secret}@127.0.0.1:1/app`,
    }).done;
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("cannot connect to postgres://app:***@127.0.0.1:1/app");
    expectNoSecret(run.stdout, run.stderr);
  });

  describe("on a successful run", () => {
    let db: TestDatabase;
    const role = `drydock_secret_${process.pid}`;
    beforeEach(async () => {
      db = await createTestDatabase();
      await db.exec(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${secret}'`);
    });
    afterEach(async () => {
      await db.drop();
      const admin = await createTestDatabase();
      await admin.exec(`DROP ROLE IF EXISTS ${role}`);
      await admin.drop();
    });

    it("keeps the password out of output, history, run reports and pg_stat_activity", async () => {
      const dir = await project({ "migrations/0001_a.sql": "CREATE TABLE a (id int);\nSELECT pg_sleep(0.3);\n" });
      const url = asSecretRole(db.url, role);
      const running = spawnDrydock(["apply", "--dir", dir, "--json"], { DATABASE_URL: url });
      let activity = "";
      while (activity === "") {
        const rows = await db.query<{ application_name: string }>(
          "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'drydock%'",
        );
        activity = rows.map((row) => row.application_name).join(" ");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const run = await running.done;
      expect(run.stderr).not.toContain("error");
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(":***@");
      expectNoSecret(run.stdout, run.stderr, activity);
      const [stored] = await db.query<{ everything: string }>(
        "SELECT (SELECT string_agg(r::text, ' ') FROM drydock.runs r) || (SELECT string_agg(m::text, ' ') FROM drydock.migrations m) AS everything",
      );
      expect(stored?.everything).toContain("***");
      expectNoSecret(stored?.everything ?? "");
    });
  });
});
