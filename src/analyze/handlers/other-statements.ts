import type { ObjectKind } from "../../model/analysis.js";
import { type AstNode, listOf, names, type RangeVar, stringConstant, unwrap } from "../ast.js";
import { splitQualifiedName } from "../collect-references.js";
import { type NamedRef, roleRef } from "../name-resolver.js";
import type { FactsBuilder } from "../statement-facts-builder.js";
import { typeLabel } from "./routines.js";

/** What DROP, RENAME and SET SCHEMA name by `OBJECT_*` type. */
const objectKinds: Record<string, ObjectKind> = {
  OBJECT_TABLE: "table",
  OBJECT_FOREIGN_TABLE: "table",
  OBJECT_VIEW: "view",
  OBJECT_MATVIEW: "materialized_view",
  OBJECT_INDEX: "index",
  OBJECT_SEQUENCE: "sequence",
  OBJECT_TYPE: "type",
  OBJECT_DOMAIN: "domain",
  OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "procedure",
  OBJECT_ROUTINE: "function",
  OBJECT_AGGREGATE: "function",
  OBJECT_SCHEMA: "schema",
  OBJECT_EXTENSION: "extension",
  OBJECT_TRIGGER: "trigger",
  OBJECT_POLICY: "policy",
  OBJECT_COLUMN: "column",
  OBJECT_TABCONSTRAINT: "constraint",
  OBJECT_ROLE: "role",
};

const dmlKinds: Record<string, string> = {
  InsertStmt: "insert",
  UpdateStmt: "update",
  DeleteStmt: "delete",
  SelectStmt: "select",
  MergeStmt: "merge",
  TruncateStmt: "truncate",
  CopyStmt: "copy",
};

/** DROP, RENAME, SET SCHEMA, DML, GRANT (of privileges and of roles), COMMENT, SET and everything else. */
export function handleOtherStatement(kind: string, fields: AstNode, facts: FactsBuilder): boolean {
  switch (kind) {
    case "DropStmt":
      dropObjects(fields, facts);
      return true;
    case "RenameStmt":
      renameObject(fields, facts);
      return true;
    case "AlterObjectSchemaStmt":
      moveObject(fields, facts);
      return true;
    case "VariableSetStmt":
      facts.kind = "set";
      applySetting(fields, facts);
      return true;
    case "GrantStmt":
      facts.kind = fields.is_grant ? "grant" : "revoke";
      if (fields.targtype === "ACL_TARGET_ALL_IN_SCHEMA") {
        for (const schema of listOf(fields.objects)) facts.reference({ kind: "schema", name: String(unwrap(schema)[1].sval ?? "") });
      } else if (fields.objtype === "OBJECT_SCHEMA") {
        for (const schema of listOf(fields.objects)) facts.reference({ kind: "schema", name: String(unwrap(schema)[1].sval ?? "") });
      } else if (fields.objtype === "OBJECT_FUNCTION" || fields.objtype === "OBJECT_PROCEDURE" || fields.objtype === "OBJECT_ROUTINE") {
        for (const routine of listOf(fields.objects)) {
          const [, withArgs] = unwrap(routine);
          facts.skip.add(withArgs);
          facts.reference(facts.resolver.functionRef(names(withArgs.objname)));
        }
      }
      return true;
    case "GrantRoleStmt":
      facts.kind = fields.is_grant ? "grant_role" : "revoke_role";
      // The granted roles are AccessPriv names, not RoleSpecs; the grantees the generic walk takes.
      for (const granted of listOf(fields.granted_roles)) facts.reference(roleRef(unwrap(granted)[1].priv_name));
      return true;
    case "CommentStmt":
      facts.kind = "comment";
      facts.skip.add(fields.object);
      return true;
    case "TransactionStmt":
      facts.kind = "transaction";
      return true;
    case "RefreshMatViewStmt":
      facts.kind = fields.concurrent ? "refresh_materialized_view_concurrently" : "refresh_materialized_view";
      return true;
    case "VacuumStmt":
      facts.kind = fields.is_vacuumcmd ? (hasOption(fields.options, "full") ? "vacuum_full" : "vacuum") : "analyze";
      return true;
    case "ReindexStmt":
      facts.kind = hasOption(fields.params, "concurrently") ? "reindex_concurrently" : "reindex";
      facts.skip.add(fields.relation); // REINDEX INDEX names an index, which references keep soft
      return true;
    default: {
      const dml = dmlKinds[kind];
      facts.kind = dml ?? toSnakeCase(kind.replace(/Stmt$/, ""));
      return dml !== undefined;
    }
  }
}

function hasOption(options: unknown, name: string): boolean {
  return listOf(options).some((option) => unwrap(option)[1].defname === name);
}

function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The qualified name of a DROP/RENAME object node, by the object's kind. */
function objectName(kind: ObjectKind, object: unknown, facts: FactsBuilder): string {
  const { resolver } = facts;
  const [nodeKind, fields] = unwrap(object);
  if (nodeKind === "String") return String(fields.sval ?? ""); // schema, extension
  if (nodeKind === "TypeName") return resolver.createdName(names(fields.names));
  if (nodeKind === "ObjectWithArgs") {
    const name = resolver.createdName(names(fields.objname));
    if (fields.args_unspecified) return name;
    return `${name}(${listOf(fields.objargs)
      .map((arg) => typeLabel(unwrap(arg)[1]))
      .join(", ")})`;
  }
  const parts = names(fields.items);
  if (kind === "trigger" || kind === "policy" || kind === "constraint") {
    const member = parts[parts.length - 1] ?? "";
    return `${resolver.createdName(parts.slice(0, -1))}.${member}`;
  }
  return resolver.createdName(parts);
}

function dropObjects(fields: AstNode, facts: FactsBuilder): void {
  const kind = objectKinds[String(fields.removeType)];
  facts.kind = kind
    ? `drop_${kind}${fields.concurrent ? "_concurrently" : ""}`
    : toSnakeCase(`drop_${String(fields.removeType).replace(/^OBJECT_/, "")}`);
  facts.tolerantDrop = fields.missing_ok === true;
  facts.cascade = fields.behavior === "DROP_CASCADE";
  for (const object of listOf(fields.objects)) facts.skip.add(unwrap(object)[1]);
  if (!kind) return;
  for (const object of listOf(fields.objects)) {
    const name = objectName(kind, object, facts);
    facts.drop(kind, name);
    // What is dropped must exist, unless IF EXISTS; a function is matched by name alone.
    const needed: NamedRef = { kind, name: name.replace(/\(.*$/s, "") };
    // Found like any other name, but for a temporary table of this migration: pg_temp comes first.
    if (writtenUnqualified(kind, object) && !name.startsWith("pg_temp.")) needed.searchPath = [...facts.resolver.path];
    facts.reference(needed, { soft: facts.tolerantDrop });
  }
}

/** Whether a DROP names a schema's object without the schema (a trigger or policy: without the table's). */
function writtenUnqualified(kind: ObjectKind, object: unknown): boolean {
  const [nodeKind, fields] = unwrap(object);
  if (nodeKind === "String") return false; // schema, extension
  if (nodeKind === "TypeName") return names(fields.names).length === 1;
  if (nodeKind === "ObjectWithArgs") return names(fields.objname).length === 1;
  return names(fields.items).length === (kind === "trigger" || kind === "policy" || kind === "constraint" ? 2 : 1);
}

function renameObject(fields: AstNode, facts: FactsBuilder): void {
  const kind = objectKinds[String(fields.renameType)];
  facts.kind = kind ? `rename_${kind}` : "rename";
  const newName = String(fields.newname ?? "");
  const relation = fields.relation as RangeVar | undefined;
  if (!kind) return;
  if (relation?.relname) {
    const table = facts.resolver.relationName(relation);
    const relationKind = kind === "column" || kind === "trigger" || kind === "policy" || kind === "constraint" ? "table" : kind;
    facts.skip.add(relation);
    facts.reference(facts.resolver.relationRef(relation, relationKind), { soft: fields.missing_ok === true || relationKind === "index" });
    if (kind === "column" || kind === "trigger" || kind === "policy" || kind === "constraint") {
      facts.rename(kind, `${table}.${String(fields.subname)}`, `${table}.${newName}`);
      facts.alter("table", table);
      return;
    }
    const schema = table.slice(0, table.indexOf("."));
    facts.rename(kind, table, `${schema}.${newName}`);
    return;
  }
  if (kind === "schema" || kind === "role") {
    facts.rename(kind, String(fields.subname), newName);
    facts.reference({ kind, name: String(fields.subname) });
    return;
  }
  facts.skip.add(unwrap(fields.object)[1]);
  const from = objectName(kind, fields.object, facts);
  const schema = from.slice(0, from.indexOf("."));
  const signature = /\(.*\)$/s.exec(from)?.[0] ?? "";
  facts.rename(kind, from, `${schema}.${newName}${signature}`);
}

function moveObject(fields: AstNode, facts: FactsBuilder): void {
  const kind = objectKinds[String(fields.objectType)];
  facts.kind = kind ? `alter_${kind}_set_schema` : "alter_set_schema";
  const newSchema = String(fields.newschema ?? "");
  facts.reference({ kind: "schema", name: newSchema });
  if (!kind) return;
  const relation = fields.relation as RangeVar | undefined;
  const from = relation?.relname ? facts.resolver.relationName(relation) : objectName(kind, fields.object, facts);
  if (!relation?.relname) facts.skip.add(unwrap(fields.object)[1]);
  facts.rename(kind, from, `${newSchema}.${from.slice(from.indexOf(".") + 1)}`);
}

function applySetting(fields: AstNode, facts: FactsBuilder): void {
  const values = listOf(fields.args).map((arg) => stringConstant(arg) ?? String((unwrap(arg)[1] as { sval?: string }).sval ?? ""));
  if (fields.name === "search_path") {
    const schemas = values.flatMap((value) => value.split(",")).map((schema) => splitQualifiedName(schema.trim()).relname ?? "");
    facts.resolver.setSearchPath(schemas.filter(Boolean));
  }
  // SET ROLE and SET SESSION AUTHORIZATION fail on a role that does not exist.
  if ((fields.name === "role" || fields.name === "session_authorization") && fields.kind === "VAR_SET_VALUE") {
    facts.reference(roleRef(values[0]));
  }
  if (fields.name === "check_function_bodies") {
    facts.resolver.checkFunctionBodies = !["off", "false", "0"].includes((values[0] ?? "on").toLowerCase());
  }
}
