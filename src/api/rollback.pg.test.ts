import { describe, expect, it } from "vitest";
import { useTempProjects } from "../../test/support/temp-project.js";
import { useTestDatabase } from "../../test/support/test-database.js";
import { InputError } from "../errors/drydock-error.js";
import { apply } from "./apply.js";
import { loadProject } from "./load-project.js";
import { rollback } from "./rollback.js";

const files = {
  "migrations/001_orgs.sql": "CREATE TABLE public.orgs (id int PRIMARY KEY);\n",
  "migrations/001_orgs.down.sql": "DROP TABLE public.orgs;\n",
  "migrations/002_projects.sql": "CREATE TABLE public.projects (id int PRIMARY KEY, org_id int REFERENCES public.orgs);\n",
  "migrations/002_projects.down.sql": "DROP TABLE public.projects;\n",
  "migrations/003_note.sql": "ALTER TABLE public.projects ADD COLUMN note text;\n",
  "migrations/003_note.down.sql": "ALTER TABLE public.projects DROP COLUMN note;\n",
};

describe("rollback --to / --steps", () => {
  const db = useTestDatabase();
  const makeProject = useTempProjects();

  async function applied(extra: Record<string, string> = {}) {
    const project = await loadProject({ dir: await makeProject({ ...files, ...extra }), environment: {} });
    expect((await apply(project, { url: db.current.url })).failed).toBeNull();
    return project;
  }
  const versions = async () =>
    (await db.current.query<{ version: string }>("SELECT version FROM drydock.migrations ORDER BY version")).map((row) => row.version);
  const tables = async () =>
    (await db.current.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map(
      (row) => row.name,
    );

  it("--steps N runs the downs of the newest N, newest first, and records the run", async () => {
    const project = await applied();
    const result = await rollback(project, { url: db.current.url, steps: 2, by: "ops-oncall" });
    expect(result.failed).toBeNull();
    expect(result.rolled_back.map((step) => step.version)).toEqual(["003", "002"]);
    expect(await versions()).toEqual(["001"]);
    expect(await tables()).toEqual(["orgs"]);
    const [run] = await db.current.query<{ command: string; outcome: string; actor: string }>(
      "SELECT command, outcome, actor FROM drydock.runs ORDER BY id DESC LIMIT 1",
    );
    expect(run).toEqual({ command: "rollback", outcome: "rolled-back", actor: "ops-oncall" });
  });

  it("--to V keeps V and rolls back what came after it", async () => {
    const project = await applied();
    await rollback(project, { url: db.current.url, to: "002" });
    expect(await versions()).toEqual(["001", "002"]);
    const [column] = await db.current.query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'projects' AND column_name = 'note'",
    );
    expect(column).toBeUndefined();
  });

  it("refuses before anything runs when a migration to roll back has no down", async () => {
    const project = await applied({ "migrations/004_irreversible.sql": "CREATE TABLE public.audit (id int);\n" });
    await expect(rollback(project, { url: db.current.url, steps: 2 })).rejects.toThrow(InputError);
    expect(await versions()).toEqual(["001", "002", "003", "004"]);
    await expect(rollback(project, { url: db.current.url, to: "999" })).rejects.toThrow(/--to 999: that version is not applied here/);
    await expect(rollback(project, { url: db.current.url })).rejects.toThrow(/exactly one of --to/);
  });
});
