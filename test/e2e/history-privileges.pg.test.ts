import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { historyGrantsSql } from "../../src/db/history.js";
import { runDrydock } from "../support/cli.js";
import { useTempProjects } from "../support/temp-project.js";
import { useTestDatabase } from "../support/test-database.js";

const project = useTempProjects();
const db = useTestDatabase("drydock_history_roles");

/**
 * An application role that does not own the database, as on RDS or behind a DBA: it gets what
 * drydock needs granted, and what it lacks is named with the grant, exit 3, never as a drydock bug.
 */
describe("drydock as a role that does not own the database", () => {
  let role: string;
  let url: string;
  const password = randomBytes(12).toString("hex");
  beforeEach(async () => {
    role = `drydock_app_${randomBytes(4).toString("hex")}`;
    await db.current.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'; GRANT CREATE ON SCHEMA public TO ${role};`);
    const parsed = new URL(db.current.url);
    parsed.username = role;
    parsed.password = password;
    url = parsed.toString();
  });
  afterEach(async () => {
    await db.current.exec(`DROP OWNED BY ${role}; DROP ROLE ${role};`);
  });

  it("is blocked before anything runs when it may not create drydock's history, naming the grant", async () => {
    const dir = await project({ "migrations/0001_notes.sql": "CREATE TABLE notes (id int);\n" });
    const run = await runDrydock(["apply", "--dir", dir, "--url", url, "--no-verify"]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      `no CREATE on database ${db.current.name}, needed to create drydock's history (schema drydock): GRANT CREATE ON DATABASE ${db.current.name} TO ${role}`,
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain(password);
    const [tables] = await db.current.query<{ count: string }>("SELECT count(*) FROM pg_tables WHERE tablename = 'notes'");
    expect(Number(tables?.count)).toBe(0);
  });

  it("applies into a history a DBA created once it is granted writing it, and says what to grant before", async () => {
    const dir = await project({ "migrations/0001_notes.sql": "CREATE TABLE notes (id int);\n" });
    expect((await runDrydock(["apply", "--dir", dir, "--url", db.current.url, "--no-verify"])).code).toBe(0);
    await writeFile(join(dir, "migrations/0002_tags.sql"), "CREATE TABLE tags (id int);\n");

    const unread = await runDrydock(["status", "--dir", dir, "--url", url]);
    expect(unread.code).toBe(3);
    expect(unread.stderr).toContain(`error: ${role} may not read drydock's history: permission denied for schema drydock`);
    expect(unread.stderr).toContain(`hint: Have the owner of schema drydock run: GRANT USAGE ON SCHEMA drydock TO ${role};`);
    expect(unread.stderr).not.toContain("internal error");
    // drift reads the history inside its catalog snapshot: the same error, the role still named
    const driftUnread = await runDrydock(["drift", "--dir", dir, "--url", url]);
    expect(driftUnread.code).toBe(3);
    expect(driftUnread.stderr).toContain(`error: ${role} may not read drydock's history: permission denied for schema drydock`);

    await db.current.exec(historyGrantsSql(role));
    const applied = await runDrydock(["apply", "--dir", dir, "--url", url, "--no-verify"]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("1 migration applied");
    const status = await runDrydock(["status", "--dir", dir, "--url", url, "--json"]);
    const states = (JSON.parse(status.stdout) as { migrations: { state: string }[] }).migrations.map((entry) => entry.state);
    expect(states).toEqual(["applied", "applied"]);
  });
});
