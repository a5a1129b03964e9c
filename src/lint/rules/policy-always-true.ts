import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

type Constant = boolean | number | string | null;

const comparisons: Record<string, (left: number | string, right: number | string) => boolean> = {
  "=": (left, right) => left === right,
  "<>": (left, right) => left !== right,
  "!=": (left, right) => left !== right,
  "<": (left, right) => left < right,
  ">": (left, right) => left > right,
  "<=": (left, right) => left <= right,
  ">=": (left, right) => left >= right,
};

/** PostgreSQL's spellings of boolean literals (`'t'::bool`, `'yes'::boolean`). */
const booleanWords = new Map<string, boolean>([
  ...["t", "true", "y", "yes", "on", "1"].map((word) => [word, true] as const),
  ...["f", "false", "n", "no", "off", "0"].map((word) => [word, false] as const),
]);

/**
 * The value of an expression made only of constants (`true`, `1 = 1`, `'t'::boolean`,
 * `true OR <anything>`), or undefined when it depends on the row or the caller.
 */
function constantOf(node: unknown): Constant | undefined {
  const [kind, fields] = unwrap(node);
  if (kind === "A_Const") {
    if (fields.isnull === true) return null;
    if (fields.boolval) return (fields.boolval as { boolval?: boolean }).boolval === true; // false is `boolval: {}`
    if (fields.ival) return (fields.ival as { ival?: number }).ival ?? 0;
    if (fields.fval) return Number((fields.fval as { fval?: string }).fval);
    if (fields.sval) return (fields.sval as { sval?: string }).sval ?? "";
    return undefined;
  }
  if (kind === "TypeCast") {
    const value = constantOf(fields.arg);
    const type = names((fields.typeName as AstNode | undefined)?.names).at(-1);
    if (type !== "bool" && type !== "boolean") return undefined;
    if (typeof value === "boolean" || value === null) return value;
    return typeof value === "string" ? booleanWords.get(value.trim().toLowerCase()) : undefined;
  }
  if (kind === "BoolExpr") {
    const args = listOf(fields.args).map(constantOf);
    if (fields.boolop === "NOT_EXPR") return typeof args[0] === "boolean" ? !args[0] : undefined;
    // SQL's three-valued logic: one TRUE decides an OR and one FALSE an AND, whatever the rest is.
    const decisive = fields.boolop === "OR_EXPR";
    if (args.includes(decisive)) return decisive;
    return args.every((arg) => arg === !decisive) ? !decisive : undefined;
  }
  if (kind === "A_Expr" && fields.kind === "AEXPR_OP") {
    const compare = comparisons[names(fields.name).join(".")];
    const left = constantOf(fields.lexpr);
    const right = constantOf(fields.rexpr);
    if (!compare || typeof left !== typeof right || (typeof left !== "number" && typeof left !== "string")) return undefined;
    return compare(left, right as number | string);
  }
  return undefined;
}

function rolesOf(policy: AstNode): string {
  const roles = listOf(policy.roles).map((entry) => {
    const role = unwrap(entry)[1];
    return role.roletype === "ROLESPEC_CSTRING" ? String(role.rolename) : String(role.roletype).replace("ROLESPEC_", "");
  });
  return roles.length > 0 ? roles.join(", ") : "its roles";
}

const verbs: Record<string, string> = {
  all: "read and change every row",
  insert: "insert any row",
  update: "update every row",
  delete: "delete every row",
};

/**
 * A permissive policy whose USING or WITH CHECK expression is constant true turns row-level
 * security off for the roles it names: USING (true) shows them every row, WITH CHECK (true) lets
 * them write any row. A FOR SELECT USING (true) policy is the usual way to publish a table that is
 * meant to be world-readable, so the message says so; restrictive policies narrow access and are
 * not checked. https://www.postgresql.org/docs/current/sql-createpolicy.html
 */
export const policyAlwaysTrue = defineRule({
  id: "policy-always-true",
  category: "security",
  severity: "warning",
  summary: "a row-level security policy with USING (true) or WITH CHECK (true) lets its roles reach every row",
  why: "A policy that is always true filters nothing: every role it names reads (USING) or writes (WITH CHECK) every row, as if RLS were off.",
  alternative:
    "Compare a column with the caller (USING (owner_id = auth.uid()), USING (tenant_id = current_setting('app.tenant')::uuid)); if the table is meant to be public, keep it and say so with -- drydock:allow policy-always-true <reason>.",
  check({ node, qualify, report }) {
    const [kind, policy] = unwrap(node);
    if (kind !== "CreatePolicyStmt" && kind !== "AlterPolicyStmt") return;
    if (kind === "CreatePolicyStmt" && policy.permissive !== true) return; // AS RESTRICTIVE leaves `permissive` out
    const clauses = (
      [
        ["USING", policy.qual],
        ["WITH CHECK", policy.with_check],
      ] as const
    ).filter(([, expression]) => expression !== undefined && constantOf(expression) === true);
    if (clauses.length === 0) return;
    const name = `policy "${String(policy.policy_name)}" on ${qualify(policy.table)}`;
    const written = clauses.map(([clause]) => `${clause} (true)`).join(" and ");
    const command = kind === "CreatePolicyStmt" ? String(policy.cmd_name ?? "all") : undefined;
    if (command === "select") {
      report({
        message: `${name} lets ${rolesOf(policy)} read every row (${written}): right only if every row of the table is meant to be public`,
      });
      return;
    }
    const reach = command ? (verbs[command] ?? "reach every row") : "reach every row of the commands it covers";
    report({ message: `${name} lets ${rolesOf(policy)} ${reach} (${written})` });
  },
});
