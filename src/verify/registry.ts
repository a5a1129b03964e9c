import type { Check } from "./check.js";
import { dataInvariants } from "./checks/data-invariants.js";
import { dataRowCounts } from "./checks/data-row-counts.js";
import { fkIndexed } from "./checks/fk-indexed.js";
import { fkOrphans } from "./checks/fk-orphans.js";
import { historyConsistent } from "./checks/history-consistent.js";
import { indexesValid } from "./checks/indexes-valid.js";
import { objectsExpected } from "./checks/objects-expected.js";
import { perfBudget } from "./checks/perf-budget.js";
import { rlsEnabled } from "./checks/rls-enabled.js";
import { rlsIsolation } from "./checks/rls-isolation.js";
import { rlsPolicies } from "./checks/rls-policies.js";

/**
 * Every verification check, the one list (SPEC §7), in the order of the spec. `rollback.roundtrip`
 * is not here: it is the rehearsal's rollback drill, not a read-only check. A meta-test ties
 * each id to its file, test and docs page.
 */
export const checks: readonly Check[] = [
  historyConsistent,
  objectsExpected,
  rlsEnabled,
  rlsPolicies,
  rlsIsolation,
  fkOrphans,
  fkIndexed,
  indexesValid,
  dataRowCounts,
  dataInvariants,
  perfBudget,
];
