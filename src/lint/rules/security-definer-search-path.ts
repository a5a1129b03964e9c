import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

/** `SET search_path = …` and `SET search_path FROM CURRENT` pin the path; `TO DEFAULT` does not. */
const pinningKinds = new Set(["VAR_SET_VALUE", "VAR_SET_CURRENT"]);

/**
 * A SECURITY DEFINER function runs with its owner's privileges but resolves unqualified names
 * through the caller's search_path, so a caller who can create objects in any schema on that
 * path (or in pg_temp, which is searched first for tables unless listed) can make the function
 * run their own table, function or operator as the owner. A `SET search_path` option on the
 * function fixes the path for each call. ALTER FUNCTION … SECURITY DEFINER is not checked: the
 * function's options from its CREATE are not known here.
 * https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY
 */
export const securityDefinerSearchPath = defineRule({
  id: "security-definer-search-path",
  category: "security",
  severity: "error",
  summary: "a SECURITY DEFINER function without SET search_path can be made to run a caller's objects with its owner's privileges",
  why: "The function resolves names through the caller's search_path: a caller who can create a table, function or operator that comes first on it runs their own code with the owner's privileges.",
  alternative:
    "Add SET search_path = '' and schema-qualify every name in the body (or SET search_path = <trusted schemas>, pg_temp, with pg_temp last).",
  check({ node, report }) {
    const routine = node.CreateFunctionStmt as AstNode | undefined;
    if (!routine) return;
    const options = listOf(routine.options).map((entry) => unwrap(entry)[1]);
    const isDefiner = options.some((option) => option.defname === "security" && unwrap(option.arg)[1].boolval === true);
    if (!isDefiner) return;
    const pinsSearchPath = options.some((option) => {
      const [kind, setting] = unwrap(option.arg);
      return (
        option.defname === "set" && kind === "VariableSetStmt" && setting.name === "search_path" && pinningKinds.has(String(setting.kind))
      );
    });
    if (pinsSearchPath) return;
    const kind = routine.is_procedure === true ? "procedure" : "function";
    report({
      message: `SECURITY DEFINER ${kind} ${names(routine.funcname).join(".")} has no SET search_path: it runs with its owner's privileges but finds tables and functions through the caller's search_path`,
    });
  },
});
