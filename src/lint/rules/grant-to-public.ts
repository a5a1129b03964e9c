import { type AstNode, listOf, names, unwrap } from "../../analyze/ast.js";
import { defineRule } from "../rule.js";

const objectWords: Record<string, string> = {
  OBJECT_TABLE: "table",
  OBJECT_SEQUENCE: "sequence",
  OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "procedure",
  OBJECT_ROUTINE: "routine",
  OBJECT_SCHEMA: "schema",
};

const routineKinds = new Set(["OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"]);

/** What the grant covers, as the reader would write it. */
function targetOf(grant: AstNode, qualify: (relation: unknown) => string): string {
  const word = objectWords[String(grant.objtype)] ?? "object";
  if (grant.targtype === "ACL_TARGET_DEFAULTS") return `${word}s created later (ALTER DEFAULT PRIVILEGES)`;
  if (grant.targtype === "ACL_TARGET_ALL_IN_SCHEMA") return `all ${word}s in schema ${names(grant.objects).join(", ")}`;
  const objects = listOf(grant.objects).map((entry) => {
    const [kind, object] = unwrap(entry);
    if (kind === "RangeVar") return qualify(object);
    if (kind === "ObjectWithArgs") return names(object.objname).join(".");
    return kind === "String" ? String(object.sval) : "?";
  });
  return `${word} ${objects.join(", ")}`;
}

/**
 * PUBLIC is every role, including roles created later: a privilege granted to it cannot be held
 * back from anyone. Checked on tables (and views), sequences, functions and schemas, and on
 * ALTER DEFAULT PRIVILEGES. Functions are EXECUTE-able by PUBLIC by default whatever a migration
 * says, a separate matter: an explicit grant usually undoes a REVOKE.
 * https://www.postgresql.org/docs/current/ddl-priv.html
 */
export const grantToPublic = defineRule({
  id: "grant-to-public",
  category: "security",
  severity: "warning",
  summary: "GRANT … TO PUBLIC gives a privilege to every role, present and future",
  why: "PUBLIC includes every role that exists or will exist, so the privilege cannot be kept from any login, tenant or extension role.",
  alternative: "GRANT to the roles that need it (or a group role they are members of) instead of PUBLIC.",
  check({ node, qualify, report }) {
    const [kind, fields] = unwrap(node);
    const grant = kind === "GrantStmt" ? fields : kind === "AlterDefaultPrivilegesStmt" ? (fields.action as AstNode | undefined) : null;
    if (grant?.is_grant !== true || !Object.hasOwn(objectWords, String(grant.objtype))) return;
    if (!listOf(grant.grantees).some((grantee) => unwrap(grantee)[1].roletype === "ROLESPEC_PUBLIC")) return;
    const privileges = listOf(grant.privileges).map((entry) => String(unwrap(entry)[1].priv_name).toUpperCase());
    const what = privileges.length > 0 ? privileges.join(", ") : "ALL";
    const target = targetOf(grant, qualify);
    if (routineKinds.has(String(grant.objtype))) {
      report({
        message: `GRANT ${what} on ${target} TO PUBLIC lets every role call it`,
        why: "PUBLIC includes every role that exists or will exist. Functions are EXECUTE-able by PUBLIC by default anyway, so this grant mostly undoes a REVOKE that was there for a reason.",
        alternative: "REVOKE EXECUTE … FROM PUBLIC, then GRANT EXECUTE to the roles that should call it.",
      });
      return;
    }
    const isSchemaCreate = grant.objtype === "OBJECT_SCHEMA" && (privileges.length === 0 || privileges.includes("CREATE"));
    report({
      message: `GRANT ${what} on ${target} TO PUBLIC gives it to every role, present and future${isSchemaCreate ? ": any role can create objects there that shadow others on search_path" : ""}`,
    });
  },
});
