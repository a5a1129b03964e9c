import type { PolicySnapshot } from "../../model/snapshot.js";
import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { limitDetails } from "../limit-details.js";
import { rlsScopeOf, unreadSchemaDetail } from "../rls-scope.js";
import { tableLabel } from "../table-pattern.js";

const id = "rls.policies";

/**
 * A permissive policy that lets its roles reach every row: USING (true) with no WITH CHECK
 * (which then applies USING to writes too), or WITH CHECK (true). Restrictive policies only
 * narrow access, so a true one opens nothing.
 */
function isAlwaysTrue(policy: PolicySnapshot): boolean {
  if (policy.mode !== "permissive") return false;
  return (policy.using === "true" && policy.with_check === null) || policy.with_check === "true";
}

/**
 * Every table of the RLS schemas that has row-level security enabled has at least one policy:
 * with RLS on and no policy, PostgreSQL denies every row to everyone but the owner, which is
 * rarely what a migration meant. Always-true permissive policies (USING (true) without WITH
 * CHECK, or WITH CHECK (true)) are listed and make the check a warning: they filter nothing for
 * their roles, which is right only for tables meant to be public. Fails when an RLS schema was
 * not read by the snapshot; skipped when no schema requires RLS.
 * https://www.postgresql.org/docs/current/ddl-rowsecurity.html
 */
export const rlsPolicies: Check = {
  id,
  description: "every RLS table has at least one policy; always-true policies are reported",
  async run(context) {
    const { schemas, tables, unread } = rlsScopeOf(context);
    if (schemas.length === 0) {
      return { id, status: "skip", summary: "no schema requires RLS (checks.rls.schemas is empty)", observed: { schemas: 0 }, details: [] };
    }
    const rlsTables = tables.filter((table) => table.rls.enabled);
    const withoutPolicy = rlsTables.filter((table) => table.policies.length === 0);
    const alwaysTrue = rlsTables.flatMap((table) =>
      table.policies.filter(isAlwaysTrue).map((policy) => {
        const clause = policy.with_check === "true" ? "WITH CHECK (true)" : "USING (true)";
        return `${tableLabel(table)}: policy "${policy.name}" (${policy.command}, to ${policy.roles.join(", ")}) is always true: ${clause}`;
      }),
    );
    const observed = {
      rls_tables: rlsTables.length,
      policies: rlsTables.reduce((sum, table) => sum + table.policies.length, 0),
      without_policy: withoutPolicy.length,
      always_true: alwaysTrue.length,
      unread_schemas: unread.length,
    };
    const details = limitDetails([
      ...unread.map(unreadSchemaDetail),
      ...withoutPolicy.map(
        (table) => `${tableLabel(table)}: row-level security is enabled but no policy exists, so only its owner sees rows`,
      ),
      ...alwaysTrue,
    ]);
    const counted = `${plural(rlsTables.length, "RLS table")} in ${schemas.join(", ")}`;
    if (unread.length > 0 || withoutPolicy.length > 0) {
      const problems = [
        ...(unread.length > 0 ? [`${plural(unread.length, "schema")} not read`] : []),
        ...(withoutPolicy.length > 0 ? [`${withoutPolicy.length} without any policy`] : []),
      ];
      return { id, status: "fail", summary: `${counted}: ${problems.join(", ")}`, observed, details };
    }
    if (alwaysTrue.length > 0) {
      return {
        id,
        status: "warn",
        summary: `${counted}, each with a policy; ${plural(alwaysTrue.length, "policy", "policies")} always true`,
        observed,
        details,
      };
    }
    return {
      id,
      status: "pass",
      summary: `${counted}, each with a policy (${plural(observed.policies, "policy", "policies")})`,
      observed,
      details,
    };
  },
};
