import { type AstNode, listOf, names, type RangeVar, unwrap } from "../ast.js";
import { roleSpecRef } from "../name-resolver.js";
import type { FactsBuilder } from "../statement-facts-builder.js";

/**
 * CREATE TYPE (enum, composite, range), CREATE DOMAIN, ALTER TYPE … ADD VALUE, CREATE
 * EXTENSION/SCHEMA, CREATE/ALTER/DROP ROLE. The roles a statement names (IN ROLE, ADMIN,
 * AUTHORIZATION) are collected from its RoleSpecs like any other reference.
 */
export function handleTypeStatement(kind: string, fields: AstNode, facts: FactsBuilder): boolean {
  const { resolver } = facts;
  switch (kind) {
    case "CreateEnumStmt":
      facts.kind = "create_enum";
      facts.create("enum", resolver.createdName(names(fields.typeName)));
      return true;
    case "AlterEnumStmt":
      facts.kind = fields.oldVal ? "alter_enum_rename_value" : "alter_enum_add_value";
      facts.alter("enum", resolver.createdName(names(fields.typeName)));
      facts.reference(resolver.typeRef(names(fields.typeName)));
      return true;
    case "CompositeTypeStmt":
      facts.kind = "create_type";
      facts.skip.add(fields.typevar);
      facts.create("type", resolver.relationName(fields.typevar as RangeVar));
      return true;
    case "CreateRangeStmt":
      facts.kind = "create_type";
      facts.create("type", resolver.createdName(names(fields.typeName)));
      return true;
    case "CreateDomainStmt":
      facts.kind = "create_domain";
      facts.create("domain", resolver.createdName(names(fields.domainname)));
      return true;
    case "AlterDomainStmt":
      facts.kind = "alter_domain";
      facts.alter("domain", resolver.createdName(names(fields.typeName)));
      facts.reference(resolver.typeRef(names(fields.typeName)));
      return true;
    case "CreateExtensionStmt": {
      facts.kind = "create_extension";
      facts.create("extension", String(fields.extname));
      facts.tolerantCreate = fields.if_not_exists === true;
      const schemaOption = listOf(fields.options)
        .map((element) => unwrap(element)[1])
        .find((element) => element.defname === "schema");
      const schema = (unwrap(schemaOption?.arg)[1] as { sval?: string }).sval;
      facts.extensionSchema = schema ?? resolver.creationSchema;
      if (schema) facts.reference({ kind: "schema", name: schema });
      return true;
    }
    case "CreateSchemaStmt": {
      facts.kind = "create_schema";
      const schema =
        typeof fields.schemaname === "string"
          ? fields.schemaname
          : String((fields.authrole as { rolename?: string } | undefined)?.rolename ?? "");
      facts.create("schema", schema);
      facts.tolerantCreate = fields.if_not_exists === true;
      return true;
    }
    case "DefineStmt":
      defineObject(fields, facts);
      return true;
    case "CreateRoleStmt":
      facts.kind = "create_role";
      facts.create("role", String(fields.role));
      return true;
    case "AlterRoleStmt":
    case "AlterRoleSetStmt": {
      facts.kind = kind === "AlterRoleStmt" ? "alter_role" : "alter_role_set";
      // The role must exist: the generic walk references it. ALTER ROLE ALL names none.
      const role = roleSpecRef(fields.role);
      if (role) facts.alter("role", role.name);
      return true;
    }
    case "DropRoleStmt":
      facts.kind = "drop_role";
      facts.tolerantDrop = fields.missing_ok === true;
      for (const entry of listOf(fields.roles)) {
        const [, spec] = unwrap(entry);
        facts.skip.add(spec);
        const role = roleSpecRef(spec);
        if (!role) continue;
        facts.drop("role", role.name);
        // What is dropped must exist, unless IF EXISTS.
        facts.reference(role, { soft: facts.tolerantDrop });
      }
      return true;
    default:
      return false;
  }
}

/** Options of CREATE AGGREGATE / CREATE TYPE (base) / CREATE OPERATOR that name functions. */
const functionOptions = new Set([
  "sfunc",
  "finalfunc",
  "combinefunc",
  "serialfunc",
  "deserialfunc",
  "msfunc",
  "minvfunc",
  "mfinalfunc",
  "procedure",
  "function",
  "input",
  "output",
  "receive",
  "send",
  "typmod_in",
  "typmod_out",
  "analyze",
  "subscript",
  "restrict",
  "join",
]);

/** CREATE AGGREGATE, CREATE OPERATOR, CREATE TYPE (base type), CREATE COLLATION, text search objects. */
function defineObject(fields: AstNode, facts: FactsBuilder): void {
  const objectKind = String(fields.kind ?? "")
    .replace(/^OBJECT_/, "")
    .toLowerCase();
  facts.kind = `create_${objectKind}`;
  const name = facts.resolver.createdName(names(fields.defnames));
  if (objectKind === "aggregate") facts.create("function", name);
  if (objectKind === "type") facts.create("type", name);
  for (const element of listOf(fields.definition)) {
    const [, definition] = unwrap(element);
    if (!functionOptions.has(String(definition.defname).toLowerCase())) continue;
    const [argumentKind, argument] = unwrap(definition.arg);
    facts.skip.add(argument);
    if (argumentKind === "TypeName") facts.reference(facts.resolver.functionRef(names(argument.names)));
  }
}
