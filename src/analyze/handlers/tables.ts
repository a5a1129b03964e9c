import { type AstNode, listOf, names, type RangeVar, unwrap } from "../ast.js";
import type { FactsBuilder } from "../statement-facts-builder.js";
import { checkColumns, implicitName, indexColumnName, splitName } from "./implicit-names.js";

const serialTypes = new Set(["serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"]);

/** CREATE TABLE / TABLE AS / VIEW / MATERIALIZED VIEW / INDEX / SEQUENCE, ALTER TABLE, ALTER SEQUENCE. */
export function handleTableStatement(kind: string, fields: AstNode, facts: FactsBuilder): boolean {
  switch (kind) {
    case "CreateStmt":
      createTable(fields, facts);
      return true;
    case "CreateTableAsStmt": {
      const into = fields.into as { rel?: RangeVar } | undefined;
      markIfTemporary(into?.rel, facts);
      const isMatview = fields.objtype === "OBJECT_MATVIEW";
      facts.kind = isMatview ? "create_materialized_view" : "create_table_as";
      facts.skip.add(into?.rel);
      facts.create(isMatview ? "materialized_view" : "table", facts.resolver.relationName(into?.rel));
      facts.tolerantCreate = fields.if_not_exists === true;
      return true;
    }
    case "ViewStmt":
      facts.kind = "create_view";
      facts.skip.add(fields.view);
      facts.create("view", facts.resolver.relationName(fields.view as RangeVar));
      facts.tolerantCreate = fields.replace === true;
      return true;
    case "IndexStmt":
      createIndex(fields, facts);
      return true;
    case "CreateSeqStmt":
      facts.kind = "create_sequence";
      facts.skip.add(fields.sequence);
      facts.create("sequence", facts.resolver.relationName(fields.sequence as RangeVar));
      facts.tolerantCreate = fields.if_not_exists === true;
      return true;
    case "AlterSeqStmt":
      facts.kind = "alter_sequence";
      targetOf(fields.sequence as RangeVar, "sequence", fields.missing_ok === true, facts);
      return true;
    case "AlterTableStmt":
      alterTable(fields, facts);
      return true;
    default:
      return false;
  }
}

/** `CREATE TEMP TABLE x`: x lives in the session's pg_temp, not in the first search_path schema. */
function markIfTemporary(relation: (RangeVar & { relpersistence?: string }) | undefined, facts: FactsBuilder): void {
  if (relation?.relpersistence === "t" && relation.relname && !relation.schemaname) facts.resolver.markTemporary(relation.relname);
}

function createTable(fields: AstNode, facts: FactsBuilder): void {
  const relation = fields.relation as RangeVar;
  markIfTemporary(relation, facts);
  const table = facts.resolver.relationName(relation);
  facts.kind = fields.partbound ? "create_table_partition" : "create_table";
  facts.skip.add(relation);
  facts.create("table", table);
  facts.tolerantCreate = fields.if_not_exists === true;
  for (const element of listOf(fields.tableElts)) {
    const [elementKind, definition] = unwrap(element);
    if (elementKind === "ColumnDef") addColumn(table, definition, facts);
    if (elementKind === "Constraint") addConstraint(table, definition, [], facts);
  }
}

/** A column and what comes with it: a sequence for serial and identity columns, its constraints. */
export function addColumn(table: string, column: AstNode, facts: FactsBuilder): void {
  const name = String(column.colname ?? "");
  facts.create("column", `${table}.${name}`);
  const typeNames = names((column.typeName as AstNode | undefined)?.names);
  const constraints = listOf(column.constraints).map((constraint) => unwrap(constraint)[1]);
  const isIdentity = constraints.some((constraint) => constraint.contype === "CONSTR_IDENTITY");
  const [schema, bare] = splitName(table);
  if (serialTypes.has(typeNames[typeNames.length - 1] ?? "") || isIdentity) {
    facts.create("sequence", `${schema}.${implicitName(bare, [name], "seq")}`);
  }
  for (const constraint of constraints) addConstraint(table, constraint, [name], facts);
}

/** A constraint, and the index a primary key or unique constraint builds. */
export function addConstraint(table: string, constraint: AstNode, columnOfDefinition: string[], facts: FactsBuilder): void {
  const [schema, bare] = splitName(table);
  const suffixes: Record<string, string> = {
    CONSTR_PRIMARY: "pkey",
    CONSTR_UNIQUE: "key",
    CONSTR_FOREIGN: "fkey",
    CONSTR_CHECK: "check",
    CONSTR_EXCLUSION: "excl",
  };
  const suffix = suffixes[String(constraint.contype)];
  if (!suffix) return; // NOT NULL, DEFAULT, identity, generated: properties of the column
  const columns =
    suffix === "check"
      ? checkColumns(constraint.raw_expr)
      : suffix === "excl"
        ? listOf(constraint.exclusions).map((pair) => indexColumnName(unwrap(listOf(unwrap(pair)[1].items)[0])[1]))
        : columnOfDefinition.length > 0
          ? columnOfDefinition
          : names(constraint.keys ?? constraint.fk_attrs);
  const name = typeof constraint.conname === "string" ? constraint.conname : implicitName(bare, columns, suffix);
  facts.create("constraint", `${table}.${name}`);
  if (suffix === "fkey" && constraint.pktable) {
    facts.foreignKey({
      constraint: `${table}.${name}`,
      table,
      columns,
      references: facts.resolver.relationName(constraint.pktable as RangeVar),
    });
  }
  const buildsIndex = suffix === "pkey" || suffix === "key" || suffix === "excl";
  if (buildsIndex && typeof constraint.indexname === "string") {
    facts.rename("index", `${schema}.${constraint.indexname}`, `${schema}.${name}`); // ADD CONSTRAINT … USING INDEX
  } else if (buildsIndex) {
    facts.create("index", `${schema}.${name}`);
  }
  if (buildsIndex) facts.indexOn(`${schema}.${name}`, table);
}

function createIndex(fields: AstNode, facts: FactsBuilder): void {
  const relation = fields.relation as RangeVar;
  const table = facts.resolver.relationName(relation);
  const [schema, bare] = splitName(table);
  facts.kind = fields.concurrent ? "create_index_concurrently" : "create_index";
  const columns = listOf(fields.indexParams).map((param) => indexColumnName(unwrap(param)[1]));
  const name = typeof fields.idxname === "string" ? fields.idxname : implicitName(bare, columns, "idx");
  facts.create("index", `${schema}.${name}`);
  facts.indexOn(`${schema}.${name}`, table);
  facts.tolerantCreate = fields.if_not_exists === true;
}

const alterObjectKinds: Record<string, { kind: "table" | "index" | "view" | "materialized_view" | "sequence" | "type"; prefix: string }> = {
  OBJECT_TABLE: { kind: "table", prefix: "alter_table" },
  OBJECT_FOREIGN_TABLE: { kind: "table", prefix: "alter_foreign_table" },
  OBJECT_INDEX: { kind: "index", prefix: "alter_index" },
  OBJECT_VIEW: { kind: "view", prefix: "alter_view" },
  OBJECT_MATVIEW: { kind: "materialized_view", prefix: "alter_materialized_view" },
  OBJECT_SEQUENCE: { kind: "sequence", prefix: "alter_sequence" },
  OBJECT_TYPE: { kind: "type", prefix: "alter_type" },
};

/** Statement kinds of single-subcommand ALTER TABLEs that reviewers and lint rules look for. */
const subcommandKinds: Record<string, string> = {
  AT_AddColumn: "alter_table_add_column",
  AT_DropColumn: "alter_table_drop_column",
  AT_AlterColumnType: "alter_table_alter_column_type",
  AT_SetNotNull: "alter_table_set_not_null",
  AT_DropNotNull: "alter_table_drop_not_null",
  AT_ColumnDefault: "alter_table_set_default",
  AT_AddConstraint: "alter_table_add_constraint",
  AT_DropConstraint: "alter_table_drop_constraint",
  AT_ValidateConstraint: "alter_table_validate_constraint",
  AT_EnableRowSecurity: "enable_rls",
  AT_DisableRowSecurity: "disable_rls",
  AT_ForceRowSecurity: "force_rls",
  AT_NoForceRowSecurity: "no_force_rls",
  AT_AttachPartition: "alter_table_attach_partition",
  AT_DetachPartition: "alter_table_detach_partition",
};

function alterTable(fields: AstNode, facts: FactsBuilder): void {
  const target = alterObjectKinds[String(fields.objtype)] ?? { kind: "table" as const, prefix: "alter_table" };
  const relation = fields.relation as RangeVar;
  const table = targetOf(relation, target.kind, fields.missing_ok === true, facts);
  const commands = listOf(fields.cmds).map((command) => unwrap(command)[1]);
  const [only] = commands;
  facts.kind =
    commands.length === 1 && only && target.kind === "table" ? (subcommandKinds[String(only.subtype)] ?? target.prefix) : target.prefix;
  for (const command of commands) {
    const columnName = typeof command.name === "string" ? command.name : "";
    const [definitionKind, definition] = unwrap(command.def);
    switch (command.subtype) {
      case "AT_AddColumn":
        if (definitionKind === "ColumnDef") addColumn(table, definition, facts);
        if (command.missing_ok) facts.tolerantCreate = true;
        break;
      case "AT_DropColumn":
        facts.drop("column", `${table}.${columnName}`);
        if (command.missing_ok) facts.tolerantDrop = true;
        if (command.behavior === "DROP_CASCADE") facts.cascade = true;
        break;
      case "AT_AddConstraint":
        if (definitionKind === "Constraint") addConstraint(table, definition, [], facts);
        break;
      case "AT_DropConstraint":
        facts.drop("constraint", `${table}.${columnName}`);
        if (command.missing_ok) facts.tolerantDrop = true;
        break;
      case "AT_ValidateConstraint":
        facts.alter("constraint", `${table}.${columnName}`);
        break;
      default:
        if (columnName) facts.alter("column", `${table}.${columnName}`);
    }
  }
}

/**
 * The object an ALTER changes: altered, and needed unless the statement says IF EXISTS (then
 * only a soft reference, since a missing object is skipped with a notice).
 */
function targetOf(
  relation: RangeVar | undefined,
  kind: "table" | "index" | "view" | "materialized_view" | "sequence" | "type",
  missingOk: boolean,
  facts: FactsBuilder,
): string {
  const name = facts.resolver.relationName(relation);
  facts.alter(kind, name);
  // The generic walk would take the RangeVar for a table; an index is only a soft reference,
  // and so is anything under IF EXISTS (a missing object is skipped with a notice).
  facts.skip.add(relation);
  facts.reference(facts.resolver.relationRef(relation, kind), { soft: missingOk || kind === "index" });
  return name;
}
