import { type AstNode, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/**
 * ALTER DOMAIN … ADD CONSTRAINT … CHECK checks every value of every column that uses the domain,
 * holding SHARE on each of those tables: writes wait until the scan ends (seen in pg_locks on
 * PostgreSQL 15). NOT VALID adds the constraint at once and checks only new values; VALIDATE
 * CONSTRAINT checks the old ones later, when the migration chooses. On PostgreSQL 15 VALIDATE
 * also takes SHARE; a later release lowers it to SHARE UPDATE EXCLUSIVE (commit 16a0039,
 * "Reduce lock level for ALTER DOMAIN ... VALIDATE CONSTRAINT"). Which tables use the domain only
 * the catalog knows. A domain created earlier in the same migration is exempt.
 * https://www.postgresql.org/docs/current/sql-alterdomain.html
 */
export const domainConstraintValidated = defineRule({
  id: "domain-constraint-validated",
  category: "lock",
  severity: "warning",
  summary: "ALTER DOMAIN … ADD CONSTRAINT … CHECK without NOT VALID scans every column using the domain while blocking writes",
  why: "Every table with a column of the domain is read in full while it holds SHARE: writes to those tables wait until the check ends.",
  alternative: "ALTER DOMAIN … ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration at a quiet time.",
  check({ node, qualify, isCreatedInThisMigration, report }) {
    const alter = node.AlterDomainStmt as AstNode | undefined;
    if (alter?.subtype !== "C") return;
    const [definitionKind, constraint] = unwrap(alter.def);
    if (definitionKind !== "Constraint" || constraint.contype !== "CONSTR_CHECK" || constraint.skip_validation) return;
    const parts = names(alter.typeName);
    const domain = qualify({ schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined, relname: parts[parts.length - 1] ?? "" });
    if (isCreatedInThisMigration(domain)) return;
    report({
      message: `ALTER DOMAIN ${domain} ADD CONSTRAINT … CHECK checks every column that uses the domain while blocking writes to their tables`,
    });
  },
});
