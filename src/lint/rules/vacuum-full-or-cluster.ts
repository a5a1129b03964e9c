import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * VACUUM FULL and CLUSTER write a new copy of the table (and rebuild its indexes) while holding
 * ACCESS EXCLUSIVE: reads and writes wait for the whole copy. Without a table they do it to every
 * table in the database (VACUUM FULL) or every table clustered before (CLUSTER), one after the
 * other. Tables created earlier in the same migration are exempt.
 * https://www.postgresql.org/docs/current/sql-vacuum.html · https://www.postgresql.org/docs/current/sql-cluster.html
 */
export const vacuumFullOrCluster = defineRule({
  id: "vacuum-full-or-cluster",
  category: "lock",
  severity: "error",
  summary: "VACUUM FULL or CLUSTER rewrites the table while blocking reads and writes",
  why: "The table is copied and its indexes rebuilt while it holds ACCESS EXCLUSIVE: every read and write waits until the copy ends, and the copy needs as much free disk as the table.",
  alternative:
    "Plain VACUUM (no lock on reads or writes) for routine space reuse; to shrink or reorder a live table, pg_repack or pg_squeeze outside the migration.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const vacuum = node.VacuumStmt as AstNode | undefined;
    if (vacuum?.is_vacuumcmd && isOn(listOf(vacuum.options).find((option) => unwrap(option)[1].defname === "full"))) {
      const relations = listOf(vacuum.rels).map((entry) => unwrap(entry)[1].relation);
      if (relations.length === 0) {
        report({ message: "VACUUM FULL without a table rewrites every table in the database, each under ACCESS EXCLUSIVE" });
        return;
      }
      const tables = relations.map((relation) => qualify(relation)).filter((table) => !isCreatedInThisMigration(table));
      if (tables.length > 0) report({ message: `VACUUM FULL rewrites ${tables.join(", ")} while holding ACCESS EXCLUSIVE` });
      return;
    }
    const cluster = node.ClusterStmt as AstNode | undefined;
    if (!cluster) return;
    if (!cluster.relation) {
      report({ message: "CLUSTER without a table rewrites every table clustered before, each under ACCESS EXCLUSIVE" });
      return;
    }
    const table = qualify(cluster.relation);
    if (!isCreatedInThisMigration(table)) report({ message: `CLUSTER rewrites ${table} while holding ACCESS EXCLUSIVE` });
  },
});

/** A boolean option as `defGetBoolean()` reads it: no value, true, on, 1… mean on. */
function isOn(option: unknown): boolean {
  if (!option) return false;
  const argument = unwrap(option)[1].arg;
  if (argument === undefined) return true;
  const [kind, value] = unwrap(argument);
  if (kind === "Integer") return Number(value.ival ?? 0) !== 0;
  if (kind === "Boolean") return value.boolval === true;
  const text = String(value.sval ?? "").toLowerCase();
  return !["false", "off", "0", "no"].includes(text);
}
