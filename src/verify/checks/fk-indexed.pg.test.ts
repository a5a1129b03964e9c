import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/support/test-database.js";
import { runCheck } from "../../../test/support/verify-context.js";
import { fkIndexed } from "./fk-indexed.js";

const db = useTestDatabase();

const schemaSql = `
  CREATE TABLE orgs (id int PRIMARY KEY);
  CREATE TABLE teams (org_id int, id int, PRIMARY KEY (org_id, id));
  CREATE TABLE members (org_id int REFERENCES orgs, team_id int, name text, FOREIGN KEY (org_id, team_id) REFERENCES teams);
  CREATE TABLE teams_archive (org_id int REFERENCES orgs);
  CREATE TABLE assignments (team_id int, org_id int, FOREIGN KEY (org_id, team_id) REFERENCES teams);`;

describe("fk.indexed", () => {
  it("passes when each key leads an index, in any column order; a primary key counts", async () => {
    await db.current.exec(`${schemaSql}
      CREATE INDEX ON members (org_id, team_id, name);
      CREATE INDEX ON teams_archive (org_id) INCLUDE (org_id);
      CREATE INDEX ON assignments (team_id, org_id);
      ALTER TABLE teams ADD FOREIGN KEY (org_id) REFERENCES orgs;`);
    const result = await runCheck(fkIndexed, db.current.engine);
    // members' two keys share one index, assignments' key is indexed in the other column order,
    // and teams' primary key (org_id, id) serves its key on org_id.
    expect(result).toMatchObject({
      id: "fk.indexed",
      status: "pass",
      summary: "5 foreign keys, each with an index",
      observed: { foreign_keys: 5, indexed: 5, without_index: 0 },
      details: [],
    });
  });

  it("warns on a key without such an index: partial, trailing, expression and INCLUDE columns do not count", async () => {
    await db.current.exec(`${schemaSql}
      CREATE INDEX ON members (name, org_id, team_id);
      CREATE INDEX ON members (org_id) WHERE name IS NOT NULL;
      CREATE INDEX ON members ((org_id + 0));
      CREATE INDEX ON teams_archive (org_id) WHERE org_id > 0;
      CREATE INDEX ON assignments (team_id) INCLUDE (org_id);`);
    const result = await runCheck(fkIndexed, db.current.engine);
    expect(result).toMatchObject({
      status: "warn",
      summary: "4 of 4 foreign keys without an index on their referencing columns",
      observed: { foreign_keys: 4, indexed: 0, without_index: 4 },
    });
    expect(result.details).toEqual([
      "public.assignments.assignments_org_id_team_id_fkey: no index on public.assignments leads with (org_id, team_id)",
      "public.members.members_org_id_fkey: no index on public.members leads with (org_id)",
      "public.members.members_org_id_team_id_fkey: no index on public.members leads with (org_id, team_id)",
      "public.teams_archive.teams_archive_org_id_fkey: no index on public.teams_archive leads with (org_id)",
    ]);
  });

  it('fails instead with checks.fk_indexed = "fail"', async () => {
    await db.current.exec(`${schemaSql} CREATE INDEX ON members (org_id);`);
    const result = await runCheck(fkIndexed, db.current.engine, { config: { checks: { fk_indexed: "fail" } } });
    expect(result).toMatchObject({ status: "fail", observed: { foreign_keys: 4, indexed: 1, without_index: 3 } });
  });
});
