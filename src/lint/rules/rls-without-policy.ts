import { type AstNode, listOf, unwrap } from "../../analyze/ast.js";
import type { LintProjectState, SourcePosition } from "../project-state.js";
import { defineRule } from "../rule.js";

/**
 * Where each table's RLS was switched on by a linted statement, kept in the run's project state.
 * The finding points there: that is the statement a reviewer reads, and the file where
 * `-- drydock:allow` can record that deny-all is intended.
 */
function enabledAt(project: LintProjectState): Map<string, SourcePosition> {
  return project.ruleState("rls-without-policy", () => new Map<string, SourcePosition>());
}

/**
 * With row-level security enabled and no policy, PostgreSQL applies a default-deny policy: every
 * role other than the table's owner (unless FORCE ROW LEVEL SECURITY), superusers and BYPASSRLS
 * roles sees no rows and can write none, without an error. Judged over the whole project, since a
 * later migration may add the policies. A warning, not an error: it fails closed, and deny-all is
 * the right design for a table only a service role uses.
 * https://www.postgresql.org/docs/current/ddl-rowsecurity.html
 */
export const rlsWithoutPolicy = defineRule({
  id: "rls-without-policy",
  category: "security",
  severity: "warning",
  summary: "a table has ROW LEVEL SECURITY enabled and no policy, so every non-owner query sees no rows",
  why: "With RLS on and no policy, every role but the owner (and BYPASSRLS roles) reads an empty table and every write fails its row check, with no error to say why.",
  alternative:
    "CREATE POLICY for each role that should see or change rows; if only the owner or a BYPASSRLS service role uses the table, keep deny-all and say so with -- drydock:allow rls-without-policy <reason>.",
  check({ node, facts, parsed, migration, project, qualify }) {
    const positions = enabledAt(project);
    for (const rename of facts.renames) {
      const position = rename.kind === "table" ? positions.get(rename.from) : undefined;
      if (position) {
        positions.delete(rename.from);
        positions.set(rename.to, position);
      }
    }
    const alter = node.AlterTableStmt as AstNode | undefined;
    if (!alter) return;
    const commands = listOf(alter.cmds).map((entry) => unwrap(entry)[1]);
    if (!commands.some((command) => command.subtype === "AT_EnableRowSecurity")) return;
    positions.set(qualify(alter.relation), { file: migration.migration.up.file, line: parsed.line, column: parsed.column });
  },
  finish({ project, reportAt }) {
    const positions = enabledAt(project);
    for (const table of project.tables.values()) {
      if (!table.rlsEnabled || table.policies.size > 0) continue;
      const at = positions.get(table.name) ?? table;
      const who = table.rlsForced ? "every role, the owner included (RLS is forced)," : "every role but the owner";
      reportAt(at.file, at.line, at.column, {
        message: `${table.name} has row-level security enabled and no policy: ${who} sees no rows and can write none`,
      });
    }
  },
});
