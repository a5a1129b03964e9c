import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table and the partition: it waits
 * for every query on the whole partitioned table, and every query that arrives meanwhile waits
 * behind it. DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+) holds only SHARE UPDATE EXCLUSIVE
 * on the parent; it runs outside a transaction block and not when the table has a default
 * partition. Before 14 there is no alternative, so nothing is reported. A partitioned table
 * created earlier in the same migration is exempt.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION
 */
export const detachPartitionNotConcurrent = defineRule({
  id: "detach-partition-not-concurrent",
  category: "lock",
  severity: "warning",
  summary: "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the whole partitioned table (PostgreSQL 14+)",
  why: "The lock on the partitioned table waits for every running query on any partition, and all reads and writes that arrive meanwhile queue behind it.",
  alternative:
    "ALTER TABLE … DETACH PARTITION … CONCURRENTLY in a migration marked -- drydock:no-transaction (not possible with a default partition).",
  check({ node, qualify, isCreatedInThisMigration, serverMajor, report }) {
    if (serverMajor < 14) return;
    const alter = node.AlterTableStmt as AstNode | undefined;
    if (!alter) return;
    const table = qualify(alter.relation);
    if (isCreatedInThisMigration(table)) return;
    for (const command of listOf(alter.cmds).map((entry) => unwrap(entry)[1])) {
      const [definitionKind, partition] = unwrap(command.def);
      if (command.subtype !== "AT_DetachPartition" || definitionKind !== "PartitionCmd" || partition.concurrent) continue;
      report({
        message: `DETACH PARTITION ${qualify(partition.name)} takes ACCESS EXCLUSIVE on ${table}: every query on it queues behind the detach`,
      });
    }
  },
});
