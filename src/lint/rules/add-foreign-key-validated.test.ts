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

  it("reports a column added with an inline REFERENCES", async () => {
    const found = await lintSql(addForeignKeyValidated, "ALTER TABLE projects ADD COLUMN owner_id int REFERENCES orgs (id);", { before });
    expect(found).toHaveLength(1);
  });

  it.each([
    ["NOT VALID", "ALTER TABLE projects ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;"],
    ["VALIDATE of a NOT VALID key in a later migration", "ALTER TABLE projects VALIDATE CONSTRAINT fk;"],
    ["a table created in the same migration", "CREATE TABLE t (id int); ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES orgs (id);"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(addForeignKeyValidated, sql, { before })).toEqual([]));
});
