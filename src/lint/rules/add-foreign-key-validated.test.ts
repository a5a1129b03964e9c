import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { addForeignKeyValidated } from "./add-foreign-key-validated.js";

const before = ["CREATE TABLE orgs (id int PRIMARY KEY); CREATE TABLE projects (id int, org_id int);"];

describe("add-foreign-key-validated", () => {
  it("reports a validated foreign key added to an existing table", async () => {
    const found = await lintSql(
      addForeignKeyValidated,
      "ALTER TABLE projects ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);",
      { before },
    );
    expect(found).toMatchObject([{ rule: "add-foreign-key-validated", line: 1, column: 1 }]);
  });

  it.each([
    ["a DEFAULT", "ALTER TABLE projects ADD COLUMN owner_id int DEFAULT 1 REFERENCES orgs (id);"],
    ["DEFAULT NULL (still a default to PostgreSQL)", "ALTER TABLE projects ADD COLUMN owner_id int DEFAULT NULL REFERENCES orgs (id);"],
    ["a serial type", "ALTER TABLE projects ADD COLUMN owner_id serial REFERENCES orgs (id);"],
  ])("reports a column added with an inline REFERENCES and %s", async (_, sql) => {
    expect(await lintSql(addForeignKeyValidated, sql, { before })).toMatchObject([{ rule: "add-foreign-key-validated" }]);
  });

  // marquez V42, tastybytes-graphile 000065: ADD COLUMN … REFERENCES without a default; checked with pg_stat_user_tables.seq_scan on 15.
  it.each([
    ["alone", "ALTER TABLE projects ADD COLUMN owner_id int REFERENCES orgs (id);", 15],
    [
      "beside another column with a default (subcommands are transformed one by one since 13)",
      "ALTER TABLE projects ADD COLUMN owner_id int REFERENCES orgs (id), ADD COLUMN n int DEFAULT 0;",
      15,
    ],
    ["alone on PostgreSQL 12", "ALTER TABLE projects ADD COLUMN owner_id int REFERENCES orgs (id);", 12],
  ])(
    "accepts a column added with an inline REFERENCES and no default (all NULL, marked valid unchecked) %s",
    async (_, sql, serverMajor) => {
      expect(await lintSql(addForeignKeyValidated, sql, { before, serverMajor })).toEqual([]);
    },
  );

  it("reports a column added with an inline REFERENCES beside a default on PostgreSQL 12", async () => {
    const sql = "ALTER TABLE projects ADD COLUMN owner_id int REFERENCES orgs (id), ADD COLUMN n int DEFAULT 0;";
    expect(await lintSql(addForeignKeyValidated, sql, { before, serverMajor: 12 })).toMatchObject([{ rule: "add-foreign-key-validated" }]);
  });

  it.each([
    ["NOT VALID", "ALTER TABLE projects ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;"],
    ["VALIDATE of a NOT VALID key in a later migration", "ALTER TABLE projects VALIDATE CONSTRAINT fk;"],
    ["a table created in the same migration", "CREATE TABLE t (id int); ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES orgs (id);"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(addForeignKeyValidated, sql, { before })).toEqual([]));
});
