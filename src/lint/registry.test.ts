import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rules } from "./registry.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The rule ids of SPEC §6: contract. */
const specIds = [
  "index-not-concurrent",
  "add-column-volatile-default",
  "set-not-null",
  "alter-column-type",
  "add-foreign-key-validated",
  "add-check-validated",
  "add-unique-constraint",
  "concurrent-in-transaction",
  "vacuum-full-or-cluster",
  "refresh-matview-blocking",
  "drop-index-not-concurrent",
  "reindex-not-concurrent",
  "detach-partition-not-concurrent",
  "domain-constraint-validated",
  "lock-timeout-missing",
  "statement-timeout-missing",
  "not-idempotent-outside-transaction",
  "drop-table",
  "drop-column",
  "drop-schema",
  "truncate",
  "delete-without-where",
  "update-without-where",
  "rename-table",
  "rename-column",
  "drop-not-null",
  "table-without-rls",
  "rls-without-policy",
  "policy-always-true",
  "security-definer-search-path",
  "grant-to-public",
  "plaintext-secret-column",
  "transaction-control",
  "not-null-without-default",
  "fk-without-index",
];

/** Rules drydock adds beyond SPEC §6 (extending is allowed; SPEC ids stay contract). */
const ownIds = ["security-definer-public-execute", "requires-newer-server"];

function camelCase(id: string): string {
  return id.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

describe("rule registry", () => {
  it("registers every rule id of SPEC §6 once, and otherwise only drydock's listed additions", () => {
    const ids = rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of specIds) expect(ids).toContain(id);
    expect(ids.filter((id) => !specIds.includes(id)).sort()).toEqual([...ownIds].sort());
    expect(ownIds.filter((id) => specIds.includes(id))).toEqual([]);
  });

  it.each(rules.map((rule) => [rule.id, rule] as const))("%s has its file, export, test, docs page and metadata", (id, rule) => {
    const source = `src/lint/rules/${id}.ts`;
    expect(existsSync(`${root}${source}`)).toBe(true);
    expect(readFileSync(`${root}${source}`, "utf8")).toContain(`export const ${camelCase(id)} = defineRule`);
    expect(existsSync(`${root}src/lint/rules/${id}.test.ts`)).toBe(true);
    expect(existsSync(`${root}docs/rules/${id}.md`)).toBe(true);
    expect(rule.summary.length).toBeGreaterThan(10);
    expect(rule.why.length).toBeGreaterThan(10);
    expect(rule.alternative.length).toBeGreaterThan(5);
    expect(rule.check ?? rule.finish).toBeTypeOf("function");
  });
});
