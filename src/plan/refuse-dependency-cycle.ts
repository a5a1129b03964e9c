import { InputError } from "../errors/drydock-error.js";
import type { Plan } from "../model/plan.js";

/**
 * Declared requirements that form a cycle leave no order to run the migrations in: `apply` and
 * `rehearse` stop on it before changing anything, with exit 2 as `plan` does (SPEC §4).
 */
export function refuseDependencyCycle(plan: Pick<Plan, "findings">): void {
  const cycle = plan.findings.find((finding) => finding.kind === "dependency-cycle");
  if (!cycle) return;
  throw new InputError(cycle.message, {
    location: { file: cycle.file, line: cycle.line, column: cycle.column },
    hint: "Remove one of the -- drydock:requires directives (or Sqitch plan dependencies) that close the cycle. Nothing was applied.",
  });
}
