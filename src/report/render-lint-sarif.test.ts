import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { runDrydock } from "../../test/support/cli.js";
import { lintSql } from "../../test/support/lint-sql.js";
import { useTempProjects } from "../../test/support/temp-project.js";
import { addForeignKeyValidated } from "../lint/rules/add-foreign-key-validated.js";
import { indexNotConcurrent } from "../lint/rules/index-not-concurrent.js";
import { tableWithoutRls } from "../lint/rules/table-without-rls.js";
import type { LintFinding } from "../model/lint.js";
import { toolVersion } from "../version.js";
import { renderLintSarif, type SarifLog } from "./render-lint-sarif.js";

// The SARIF 2.1.0 schema as the SARIF SDK ships it (see test/fixtures/sarif/README.md). It declares
// JSON Schema 2020-12 and uses only keywords that mean the same in draft-07. Not strict: Ajv's strict
// mode refuses the schema's own `required` lists inside `anyOf` branches (strictRequired).
const schema = JSON.parse(readFileSync(new URL("../../test/fixtures/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

const rules = [indexNotConcurrent, addForeignKeyValidated, tableWithoutRls];

function finding(overrides: Partial<LintFinding>): LintFinding {
  return {
    rule: "index-not-concurrent",
    severity: "error",
    file: "migrations/0001_init.sql",
    line: 3,
    column: 5,
    message: "CREATE INDEX blocks writes to public.users until the build finishes",
    why: "Writes wait.",
    alternative: "CREATE INDEX CONCURRENTLY.",
    suppressed: false,
    ...overrides,
  };
}

const findings: LintFinding[] = [
  finding({}),
  finding({ rule: "add-foreign-key-validated", severity: "warning", file: "db\\migrations\\0002 add fk.sql", line: 1, column: 1 }),
  finding({ rule: "table-without-rls", severity: "info", file: "migrations/0003_café.sql", line: 7, column: 2 }),
  finding({ rule: "table-without-rls", suppressed: true, suppression_reason: "internal table, never exposed" }),
  finding({ rule: "invalid-suppression", message: "-- drydock:allow gives no reason", file: "/abs/path/0004.sql" }),
];

describe("renderLintSarif", () => {
  const log = renderLintSarif(findings, rules);
  const [run] = log.runs;

  it("produces a log that the SARIF 2.1.0 schema accepts", () => {
    expect(schemaErrors(log)).toEqual([]);
  });

  it("is checked by a validator that rejects a broken log", () => {
    const broken = JSON.parse(JSON.stringify(log)) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    const [result] = broken.runs[0]?.results ?? [];
    if (result) result.level = "info"; // SARIF's levels are error, warning, note and none
    expect(schemaErrors(broken)).not.toEqual([]);
    expect(schemaErrors({ ...log, version: "2.0.0" })).not.toEqual([]);
  });

  it("names the schema, the version and the tool", () => {
    expect(log).toMatchObject({ $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0" });
    expect(log.runs).toHaveLength(1);
    expect(run?.tool.driver).toMatchObject({ name: "drydock", version: toolVersion });
    expect(run?.columnKind).toBe("unicodeCodePoints");
  });

  it("describes every rule, and ids outside the rule list from their finding", () => {
    expect(run?.tool.driver.rules.map((rule) => rule.id)).toEqual([
      "index-not-concurrent",
      "add-foreign-key-validated",
      "table-without-rls",
      "invalid-suppression",
    ]);
    expect(run?.tool.driver.rules[0]).toMatchObject({
      shortDescription: { text: indexNotConcurrent.summary },
      fullDescription: { text: indexNotConcurrent.why },
      help: { text: indexNotConcurrent.alternative, markdown: expect.stringContaining("docs/rules/index-not-concurrent.md") },
      defaultConfiguration: { level: "error" },
      properties: { tags: ["drydock", "lock"] },
    });
    expect(run?.tool.driver.rules[0]).not.toHaveProperty("helpUri"); // a relative path is not a valid helpUri
    expect(run?.tool.driver.rules[3]?.help.markdown).not.toContain("docs/rules/");
  });

  it("points each result at its rule, file, line and column", () => {
    expect(run?.results.map((result) => [result.ruleId, result.ruleIndex, result.level])).toEqual([
      ["index-not-concurrent", 0, "error"],
      ["add-foreign-key-validated", 1, "warning"],
      ["table-without-rls", 2, "note"],
      ["table-without-rls", 2, "error"],
      ["invalid-suppression", 3, "error"],
    ]);
    expect(run?.results[0]).toMatchObject({
      message: {
        text: "CREATE INDEX blocks writes to public.users until the build finishes. Writes wait. Instead: CREATE INDEX CONCURRENTLY.",
      },
      locations: [
        { physicalLocation: { artifactLocation: { uri: "migrations/0001_init.sql" }, region: { startLine: 3, startColumn: 5 } } },
      ],
    });
    const uris = run?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri);
    expect(uris).toEqual([
      "migrations/0001_init.sql",
      "db/migrations/0002%20add%20fk.sql",
      "migrations/0003_caf%C3%A9.sql",
      "migrations/0001_init.sql",
      "file:///abs/path/0004.sql",
    ]);
  });

  it("keeps suppressed findings as in-source suppressions with the reason", () => {
    expect(run?.results[3]?.suppressions).toEqual([{ kind: "inSource", justification: "internal table, never exposed" }]);
    expect(run?.results.filter((result) => result.suppressions)).toHaveLength(1);
  });

  it("gives absolute help and information URIs when told where drydock lives", () => {
    const withLinks = renderLintSarif(findings, rules, {
      informationUri: "https://example.com/drydock",
      docsBaseUri: "https://example.com/drydock/blob/main/",
    });
    expect(withLinks.runs[0]?.tool.driver.informationUri).toBe("https://example.com/drydock");
    expect(withLinks.runs[0]?.tool.driver.rules[0]?.helpUri).toBe(
      "https://example.com/drydock/blob/main/docs/rules/index-not-concurrent.md",
    );
    expect(schemaErrors(withLinks)).toEqual([]);
  });

  it("renders no findings as a valid log with no results", () => {
    const empty = renderLintSarif([], rules);
    expect(empty.runs[0]?.results).toEqual([]);
    expect(schemaErrors(empty)).toEqual([]);
  });

  it("renders what the rules really find as a valid log", async () => {
    const found = await lintSql(
      rules,
      "-- drydock:allow table-without-rls internal table\n-- drydock:allow no-such-rule it is fine\nCREATE TABLE notes (id int);\nCREATE INDEX users_email ON users (email);\n",
      { before: ["CREATE TABLE users (email text);"], rlsSchemas: ["public"] },
    );
    expect(found.map((entry) => entry.rule).sort()).toEqual(["index-not-concurrent", "invalid-suppression", "table-without-rls"]);
    const real: SarifLog = renderLintSarif(found, rules);
    expect(schemaErrors(real)).toEqual([]);
  });
});

describe("drydock lint --format sarif", () => {
  const project = useTempProjects();

  it("prints a valid SARIF log of the file's findings", async () => {
    const dir = await project({
      "drydock.toml": '[checks.rls]\nschemas = ["public"]\n',
      "migrations/0001_notes.sql":
        "-- drydock:allow table-without-rls internal table, never exposed\nCREATE TABLE notes (id int, org_id int);\n\nALTER TABLE projects ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n",
    });
    const run = await runDrydock(["lint", join(dir, "migrations/0001_notes.sql"), "--dir", dir, "--format", "sarif"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1); // an unsuppressed error finding
    const log = JSON.parse(run.stdout) as SarifLog;
    expect(schemaErrors(log)).toEqual([]);
    const results = log.runs[0]?.results ?? [];
    expect(results.map((result) => [result.ruleId, result.level, result.locations[0]?.physicalLocation.region])).toEqual([
      ["table-without-rls", "error", { startLine: 2, startColumn: 1 }],
      ["add-foreign-key-validated", "error", { startLine: 4, startColumn: 1 }],
      ["fk-without-index", "warning", { startLine: 4, startColumn: 1 }],
      ["lock-timeout-missing", "note", { startLine: 4, startColumn: 1 }],
      ["statement-timeout-missing", "note", { startLine: 4, startColumn: 1 }],
    ]);
    expect(results[0]?.suppressions).toEqual([{ kind: "inSource", justification: "internal table, never exposed" }]);
    for (const result of results)
      expect(result.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/^[^\\]*\/migrations\/0001_notes\.sql$/);
  });
});
