import type { Rule } from "../../src/lint/rule.js";
import { runRules } from "../../src/lint/run-rules.js";
import type { LintFinding, Severity } from "../../src/model/lint.js";
import type { Migration } from "../../src/model/migration.js";
import { checksumOf } from "../../src/util/hash.js";

export interface LintSqlOptions {
  /** SQL of migrations that ran before (not linted): the tables they create "existed before". */
  before?: string[];
  serverMajor?: number;
  rlsSchemas?: string[];
  overrides?: Record<string, Severity | "off">;
  /** The linted migration runs outside a transaction (as `-- drydock:no-transaction` would). */
  noTransaction?: boolean;
}

/** A plain-format migration `migrations/<version>_test.sql` holding `sql`, as discovery would give it. */
export function testMigration(version: string, sql: string, formatAllowsTransaction = true): Migration {
  const file = `migrations/${version}_test.sql`;
  return {
    version,
    name: "test",
    kind: "versioned",
    format: "plain",
    up: { file, sql, formatAllowsTransaction },
    down: null,
    checksum: checksumOf(sql),
  };
}

/**
 * Lints SQL with one rule (or several), as the last migration of a project whose earlier
 * migrations are `before`. The linted file is `migrations/9999_test.sql`.
 */
export async function lintSql(rules: Rule | Rule[], sql: string, options: LintSqlOptions = {}): Promise<LintFinding[]> {
  const earlier = (options.before ?? []).map((text, index) => testMigration(String(index + 1).padStart(4, "0"), text));
  const linted = testMigration("9999", sql, !options.noTransaction);
  return runRules({
    migrations: [...earlier, linted],
    lint: new Set(["9999"]),
    rules: Array.isArray(rules) ? rules : [rules],
    ...(options.overrides ? { overrides: options.overrides } : {}),
    serverMajor: options.serverMajor ?? 15,
    rlsSchemas: options.rlsSchemas ?? [],
    searchPath: ["public"],
  });
}
