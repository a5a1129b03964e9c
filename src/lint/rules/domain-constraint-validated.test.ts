import { describe, expect, it } from "vitest";
import { lintSql } from "../../../test/support/lint-sql.js";
import { domainConstraintValidated } from "./domain-constraint-validated.js";

const before = ["CREATE DOMAIN app_email AS text; CREATE TABLE users (email app_email);"];

describe("domain-constraint-validated", () => {
  it("reports a validated CHECK added to an existing domain", async () => {
    const found = await lintSql(
      domainConstraintValidated,
      "SELECT 1;\n\tALTER DOMAIN app_email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%');",
      { before },
    );
    expect(found).toMatchObject([
      {
        rule: "domain-constraint-validated",
        severity: "warning",
        line: 2,
        column: 2,
        message: expect.stringContaining("public.app_email"),
      },
    ]);
  });

  it.each([
    ["NOT VALID", "ALTER DOMAIN app_email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%') NOT VALID;"],
    ["VALIDATE CONSTRAINT", "ALTER DOMAIN app_email VALIDATE CONSTRAINT has_at;"],
    [
      "a domain created in the same migration",
      "CREATE DOMAIN code AS text;\nALTER DOMAIN code ADD CONSTRAINT short CHECK (length(VALUE) < 10);",
    ],
    ["SET NOT NULL, which cannot be NOT VALID", "ALTER DOMAIN app_email SET NOT NULL;"],
  ])("accepts %s", async (_, sql) => expect(await lintSql(domainConstraintValidated, sql, { before })).toEqual([]));
});
