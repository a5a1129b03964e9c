import { describe, expect, it } from "vitest";
import { useTempMigrationProjects } from "../../../test/support/temp-project.js";
import { readSqitchMigrations, readSqitchRequires } from "./sqitch.js";

const makeProject = useTempMigrationProjects();

const stamp = "2013-06-24T11:10:23Z Jane <jane@example.com>";
const plan = [
  "%syntax-version=1.0.0",
  "%project=demo",
  "",
  `base ${stamp} # base schema`,
  `acl [base] ${stamp} # add acl`,
  `views [base !legacy] ${stamp} # views`,
  `@1.1.6 ${stamp} # first release`,
  "",
  `bulk ${stamp} # bulk`,
  `@1.2.0 ${stamp} # tag`,
  `@1.2.1 ${stamp} # tag`,
  `acl [acl@1.2.0] ${stamp}# rework`,
  `@1.3.0 ${stamp} # tag`,
  `acl [acl@1.3.0] ${stamp} # rework again`,
].join("\n");

function files(names: string[]): Record<string, string> {
  const all: Record<string, string> = {
    "migrations/sqitch.plan": plan,
    "migrations/sqitch.conf": "[core]\n\tengine = pg\n",
  };
  for (const name of names) {
    all[`migrations/deploy/${name}.sql`] = `-- deploy ${name}`;
    all[`migrations/verify/${name}.sql`] = `-- verify ${name}`;
    if (name !== "views") all[`migrations/revert/${name}.sql`] = `-- revert ${name}`;
  }
  return all;
}

const scripts = ["base", "acl@1.2.0", "views", "bulk", "acl@1.3.0", "acl"];

describe("sqitch format", () => {
  it("follows the plan order and names reworked instances after their rework tag", async () => {
    const { root, migrationsDir } = await makeProject(files(scripts));
    const migrations = await readSqitchMigrations({ projectRoot: root, migrationsDir, variables: {} });
    expect(migrations.map((m) => m.version)).toEqual(scripts);
    expect(migrations.map((m) => m.up.file)).toEqual(scripts.map((name) => `migrations/deploy/${name}.sql`));
    expect(migrations[1]).toMatchObject({
      name: "acl",
      format: "sqitch",
      down: { file: "migrations/revert/acl@1.2.0.sql" },
    });
    expect(migrations[2]?.down).toBeNull(); // no revert/views.sql
  });

  it("falls back to the first rework tag that has a script (Sqitch's rule)", async () => {
    // Tags between the first acl and its rework, latest change first: 1.2.0, 1.2.1, then 1.1.6.
    const { root, migrationsDir } = await makeProject(files(["base", "acl@1.1.6", "views", "bulk", "acl@1.3.0", "acl"]));
    const migrations = await readSqitchMigrations({ projectRoot: root, migrationsDir, variables: {} });
    expect(migrations[1]?.version).toBe("acl@1.1.6");
  });

  it("reads requires (and not conflicts) by version", async () => {
    const { root, migrationsDir } = await makeProject(files(scripts));
    const requires = await readSqitchRequires(migrationsDir, root);
    expect(requires.get("views")).toEqual(["base"]);
    expect(requires.get("acl@1.3.0")).toEqual(["acl@1.2.0"]);
    expect(requires.get("base")).toEqual([]);
  });

  it("refuses a change whose deploy script is missing, naming the plan line", async () => {
    const { root, migrationsDir } = await makeProject(files(scripts.filter((name) => name !== "bulk")));
    await expect(readSqitchMigrations({ projectRoot: root, migrationsDir, variables: {} })).rejects.toThrow(
      "change bulk (migrations/sqitch.plan:9) has no deploy script migrations/deploy/bulk.sql",
    );
  });

  it("refuses a rework without a tag in between", async () => {
    const { root, migrationsDir } = await makeProject({
      "migrations/sqitch.plan": `a ${stamp}\na ${stamp}\n`,
      "migrations/deploy/a.sql": "",
    });
    await expect(readSqitchMigrations({ projectRoot: root, migrationsDir, variables: {} })).rejects.toThrow(
      "migrations/sqitch.plan:2: change a is reworked without a tag since line 1",
    );
  });

  it("refuses a folder without sqitch.plan", async () => {
    const { root, migrationsDir } = await makeProject({ "migrations/deploy/a.sql": "" });
    await expect(readSqitchMigrations({ projectRoot: root, migrationsDir, variables: {} })).rejects.toThrow(
      "Sqitch plan migrations/sqitch.plan does not exist",
    );
  });
});
