import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { fkWithoutIndex } from "./fk-without-index.js";

const before = ["CREATE TABLE orgs (id int PRIMARY KEY); CREATE TABLE projects (id int PRIMARY KEY, org_id int, name text);"];

describe("fk-without-index", () => {
  it("reports a foreign key added to an existing table with no index on its column", async () => {
    const sql = "SELECT 1;\n  ALTER TABLE projects ADD CONSTRAINT projects_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);";
    expect(await lintSql(fkWithoutIndex, sql, { before })).toMatchObject([
      {
        rule: "fk-without-index",
        severity: "warning",
        file: "migrations/9999_test.sql",
        line: 2,
        column: 3,
        message: "foreign key on public.projects (org_id) has no index leading with that column",
        // The file's last line, which has no line break after it.
        source_line: "  ALTER TABLE projects ADD CONSTRAINT projects_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);",
      },
    ]);
  });

  it.each([
    ["an inline REFERENCES in CREATE TABLE", "CREATE TABLE members (id int PRIMARY KEY, org_id int REFERENCES orgs);"],
    ["an index whose leading column is another", "CREATE TABLE t (a int, b int REFERENCES orgs);\nCREATE INDEX t_a_b ON t (a, b);"],
    ["an index on an expression of the column", "CREATE TABLE t (b int REFERENCES orgs);\nCREATE INDEX t_b ON t ((b + 0));"],
    [
      "an index on the same column of another table",
      "CREATE TABLE t (b int REFERENCES orgs);\nCREATE TABLE u (b int);\nCREATE INDEX u_b ON u (b);",
    ],
    [
      "a composite key whose index covers only one column",
      "CREATE TABLE t (a int, b int, FOREIGN KEY (a, b) REFERENCES pairs (x, y));\nCREATE INDEX ON t (a);",
    ],
  ])("reports %s", async (_, sql) => {
    const found = await lintSql(fkWithoutIndex, `SELECT 1;\n${sql}`, { before });
    expect(found).toMatchObject([{ rule: "fk-without-index", line: 2, column: 1 }]);
  });

  it("does not report keys in migrations that are not linted", async () => {
    const earlier = [...before, "ALTER TABLE projects ADD FOREIGN KEY (org_id) REFERENCES orgs;"];
    expect(await lintSql(fkWithoutIndex, "SELECT 1;", { before: earlier })).toEqual([]);
  });

  it.each([
    [
      "an index on the column",
      "ALTER TABLE projects ADD FOREIGN KEY (org_id) REFERENCES orgs;\nCREATE INDEX projects_org ON projects (org_id);",
    ],
    [
      "an index created before the key",
      "CREATE INDEX projects_org ON projects (org_id, name);\nALTER TABLE projects ADD FOREIGN KEY (org_id) REFERENCES orgs;",
    ],
    [
      "a primary key that leads with the column",
      "CREATE TABLE m (org_id int REFERENCES orgs, user_id int, PRIMARY KEY (org_id, user_id));",
    ],
    [
      "a unique constraint on the columns in another order",
      "CREATE TABLE t (a int, b int, UNIQUE (b, a), FOREIGN KEY (a, b) REFERENCES pairs (x, y));",
    ],
    ["a self-reference through the primary key", "CREATE TABLE nodes (id int PRIMARY KEY REFERENCES nodes (id));"],
    ["a referencing table dropped later", "CREATE TABLE t (org_id int REFERENCES orgs);\nDROP TABLE t;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(fkWithoutIndex, sql, { before })).toEqual([]));

  it("accepts a key whose index comes in a later migration", async () => {
    const found = await lintSql(fkWithoutIndex, "SELECT 1;", {
      before: [...before, "ALTER TABLE projects ADD FOREIGN KEY (org_id) REFERENCES orgs;", "CREATE INDEX ON projects (org_id);"],
    });
    expect(found).toEqual([]);
  });
});

describe("fk-without-index follows drops and partial indexes", () => {
  const base = "CREATE TABLE orgs (id int PRIMARY KEY);\nCREATE TABLE projects (id int, org_id int REFERENCES orgs (id));\n";

  it("forgets a foreign key dropped later", async () => {
    const found = await lintSql(fkWithoutIndex, `${base}ALTER TABLE projects DROP CONSTRAINT projects_org_id_fkey;\n`);
    expect(found).toEqual([]);
  });

  it("does not count a partial index, nor an index dropped later", async () => {
    const partial = await lintSql(fkWithoutIndex, `${base}CREATE INDEX projects_org ON projects (org_id) WHERE org_id > 0;\n`);
    expect(partial).toMatchObject([{ rule: "fk-without-index", line: 2 }]);
    const dropped = await lintSql(fkWithoutIndex, `${base}CREATE INDEX projects_org ON projects (org_id);\nDROP INDEX projects_org;\n`);
    expect(dropped).toMatchObject([{ rule: "fk-without-index", line: 2 }]);
  });
});

describe("fk-without-index follows columns and constraints as PostgreSQL does", () => {
  const base = "CREATE TABLE orgs (id int PRIMARY KEY);\nCREATE TABLE projects (id int, org int REFERENCES orgs (id), name text);\n";

  // tastybytes-graphile 000010 indexes check_ins (author), 000019 renames it to author_id, 000162 re-adds the key on author_id.
  it("counts an index whose column was renamed since, and names the key by its new column", async () => {
    const renamed = `${base}CREATE INDEX ON projects (org);\nALTER TABLE projects RENAME COLUMN org TO org_id;\n`;
    const readded =
      "ALTER TABLE projects DROP CONSTRAINT projects_org_fkey;\nALTER TABLE projects ADD FOREIGN KEY (org_id) REFERENCES orgs;\n";
    expect(await lintSql(fkWithoutIndex, `${renamed}${readded}`)).toEqual([]);
    const unindexed = await lintSql(fkWithoutIndex, `${base}ALTER TABLE projects RENAME COLUMN org TO org_id;\n`);
    expect(unindexed).toMatchObject([
      { line: 2, message: "foreign key on public.projects (org_id) has no index leading with that column" },
    ]);
  });

  // marquez V8 adds UNIQUE (source_uuid, physical_name); V18 drops that constraint, and its index with it.
  it("does not count the index of a unique constraint dropped later", async () => {
    const sql = `${base}ALTER TABLE projects ADD UNIQUE (org, name);\nALTER TABLE projects DROP CONSTRAINT projects_org_name_key;\n`;
    expect(await lintSql(fkWithoutIndex, sql)).toMatchObject([{ rule: "fk-without-index", line: 2 }]);
  });

  it("forgets a foreign key whose column is dropped", async () => {
    expect(await lintSql(fkWithoutIndex, `${base}ALTER TABLE projects DROP COLUMN org;\n`)).toEqual([]);
  });

  it("does not count an index that lost a column", async () => {
    const sql = `${base}ALTER TABLE projects ADD COLUMN owner int REFERENCES orgs;\nCREATE INDEX ON projects (owner, org);\nALTER TABLE projects DROP COLUMN org;\n`;
    expect(await lintSql(fkWithoutIndex, sql)).toMatchObject([{ rule: "fk-without-index", line: 3 }]);
  });
});
