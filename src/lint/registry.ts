import type { Rule } from "./rule.js";
import { addForeignKeyValidated } from "./rules/add-foreign-key-validated.js";
import { indexNotConcurrent } from "./rules/index-not-concurrent.js";
import { tableWithoutRls } from "./rules/table-without-rls.js";

/** Every lint rule, the one list (SPEC §6). A meta-test ties each to its file, tests and docs page. */
export const rules: readonly Rule[] = [indexNotConcurrent, addForeignKeyValidated, tableWithoutRls];

/** A rule by id, or undefined. */
export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
