import type { Rule } from "./rule.js";
import { addCheckValidated } from "./rules/add-check-validated.js";
import { addColumnVolatileDefault } from "./rules/add-column-volatile-default.js";
import { addForeignKeyValidated } from "./rules/add-foreign-key-validated.js";
import { addUniqueConstraint } from "./rules/add-unique-constraint.js";
import { alterColumnType } from "./rules/alter-column-type.js";
import { concurrentInTransaction } from "./rules/concurrent-in-transaction.js";
import { deleteWithoutWhere } from "./rules/delete-without-where.js";
import { detachPartitionNotConcurrent } from "./rules/detach-partition-not-concurrent.js";
import { domainConstraintValidated } from "./rules/domain-constraint-validated.js";
import { dropColumn } from "./rules/drop-column.js";
import { dropIndexNotConcurrent } from "./rules/drop-index-not-concurrent.js";
import { dropNotNull } from "./rules/drop-not-null.js";
import { dropSchema } from "./rules/drop-schema.js";
import { dropTable } from "./rules/drop-table.js";
import { fkWithoutIndex } from "./rules/fk-without-index.js";
import { grantToPublic } from "./rules/grant-to-public.js";
import { indexNotConcurrent } from "./rules/index-not-concurrent.js";
import { lockTimeoutMissing } from "./rules/lock-timeout-missing.js";
import { notIdempotentOutsideTransaction } from "./rules/not-idempotent-outside-transaction.js";
import { notNullWithoutDefault } from "./rules/not-null-without-default.js";
import { plaintextSecretColumn } from "./rules/plaintext-secret-column.js";
import { policyAlwaysTrue } from "./rules/policy-always-true.js";
import { refreshMatviewBlocking } from "./rules/refresh-matview-blocking.js";
import { reindexNotConcurrent } from "./rules/reindex-not-concurrent.js";
import { renameColumn } from "./rules/rename-column.js";
import { renameTable } from "./rules/rename-table.js";
import { requiresNewerServer } from "./rules/requires-newer-server.js";
import { rlsWithoutPolicy } from "./rules/rls-without-policy.js";
import { securityDefinerPublicExecute } from "./rules/security-definer-public-execute.js";
import { securityDefinerSearchPath } from "./rules/security-definer-search-path.js";
import { setNotNull } from "./rules/set-not-null.js";
import { statementTimeoutMissing } from "./rules/statement-timeout-missing.js";
import { tableWithoutRls } from "./rules/table-without-rls.js";
import { transactionControl } from "./rules/transaction-control.js";
import { truncate } from "./rules/truncate.js";
import { updateWithoutWhere } from "./rules/update-without-where.js";
import { vacuumFullOrCluster } from "./rules/vacuum-full-or-cluster.js";

/**
 * Every lint rule, the one list: SPEC §6's in the order of the spec, with drydock's own additions
 * beside the rules of their category. A meta-test ties each to its file, tests and docs page.
 */
export const rules: readonly Rule[] = [
  indexNotConcurrent,
  addColumnVolatileDefault,
  setNotNull,
  alterColumnType,
  addForeignKeyValidated,
  addCheckValidated,
  addUniqueConstraint,
  concurrentInTransaction,
  vacuumFullOrCluster,
  refreshMatviewBlocking,
  dropIndexNotConcurrent,
  reindexNotConcurrent,
  detachPartitionNotConcurrent,
  domainConstraintValidated,
  lockTimeoutMissing,
  statementTimeoutMissing,
  notIdempotentOutsideTransaction,
  dropTable,
  dropColumn,
  dropSchema,
  truncate,
  deleteWithoutWhere,
  updateWithoutWhere,
  renameTable,
  renameColumn,
  dropNotNull,
  tableWithoutRls,
  rlsWithoutPolicy,
  policyAlwaysTrue,
  securityDefinerSearchPath,
  securityDefinerPublicExecute,
  grantToPublic,
  plaintextSecretColumn,
  transactionControl,
  notNullWithoutDefault,
  fkWithoutIndex,
  requiresNewerServer,
];

/** A rule by id, or undefined. */
export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
