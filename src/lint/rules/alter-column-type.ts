import { type AstNode, listOf, names, type RangeVar, unwrap } from "../../analyze/ast.js";
import { isBuiltinType } from "../../analyze/catalog/builtin-names.js";
import type { LintProjectState } from "../project-state.js";
import { defineRule, type StatementContext } from "../rule.js";

/** A column type as written: canonical name (`varchar`, `int4`, `app.money`), modifiers, array or not. */
interface ColumnType {
  name: string;
  /** `varchar(20)` → [20], `numeric(10,2)` → [10, 2]; null when a modifier is not a constant. */
  typmods: number[] | null;
  isArray: boolean;
}

/** Column types per table, as the migrations this run has checked left them. */
function columnsOf(project: LintProjectState): Map<string, Map<string, ColumnType>> {
  return project.ruleState("alter-column-type", () => new Map<string, Map<string, ColumnType>>());
}

/** Types whose values are stored the same way, so a change between them needs no rewrite. */
const stringTypes: ReadonlySet<string> = new Set(["varchar", "text"]);
/** Types whose precision modifier can grow without a rewrite (their `*_support` function says so). */
const temporalTypes: ReadonlySet<string> = new Set(["timestamp", "timestamptz", "time"]);
/** Time zones with a fixed offset of zero (as `pg_get_timezone_offset` sees them), lower case. */
const utcZones: ReadonlySet<string> = new Set([
  "utc",
  "etc/utc",
  "uct",
  "etc/uct",
  "gmt",
  "etc/gmt",
  "gmt0",
  "etc/gmt0",
  "etc/gmt+0",
  "etc/gmt-0",
  "greenwich",
  "etc/greenwich",
  "universal",
  "etc/universal",
  "zulu",
  "etc/zulu",
]);
const serialAliases: Readonly<Record<string, string>> = {
  smallserial: "int2",
  serial2: "int2",
  serial: "int4",
  serial4: "int4",
  bigserial: "int8",
  serial8: "int8",
};

/**
 * ALTER COLUMN … TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, unless
 * the old type is binary-coercible to the new one and the USING clause leaves the value alone:
 * varchar(n) → varchar(m ≥ n), varchar → text (and back without a limit), numeric(p,s) →
 * numeric(q ≥ p, s), a larger timestamp/time precision, cidr → inet, and since PostgreSQL 12
 * timestamp ↔ timestamptz when the session time zone is UTC (the migration says
 * `SET timezone = 'UTC'` before). Those need only a brief catalog change. The old type comes
 * from the migrations drydock has checked in this run; when it is unknown, a change to text or
 * varchar is taken for a widening of a string column. A table created earlier in the same
 * migration is exempt.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const alterColumnType = defineRule({
  id: "alter-column-type",
  category: "lock",
  severity: "error",
  summary: "ALTER COLUMN TYPE rewrites the table and its indexes unless the change is binary-coercible",
  why: "PostgreSQL rewrites every row and rebuilds every index of the table while holding ACCESS EXCLUSIVE: all reads and writes wait until it finishes.",
  alternative:
    "Add a column of the new type, fill it from a trigger and a batched backfill, then switch readers and drop the old column; widening varchar or numeric needs none of this.",
  check: reportRewrites,
  observe: remember,
});

function reportRewrites(context: StatementContext): void {
  const { node, qualify, isCreatedInThisMigration, project, report } = context;
  const alter = node.AlterTableStmt as AstNode | undefined;
  if (alter?.objtype !== "OBJECT_TABLE") return;
  const table = qualify(alter.relation);
  if (isCreatedInThisMigration(table)) return;
  const known = columnsOf(project).get(table);
  for (const command of listOf(alter.cmds).map((entry) => unwrap(entry)[1])) {
    const [definitionKind, definition] = unwrap(command.def);
    if (command.subtype !== "AT_AlterColumnType" || definitionKind !== "ColumnDef") continue;
    const column = String(command.name ?? "");
    const target = typeOf(definition.typeName, qualify);
    const old = known?.get(column);
    const described = `ALTER COLUMN ${column} TYPE ${format(target)}`;
    if (!isTrivialUsing(definition.raw_default, column, target, qualify)) {
      report({ message: `${described} USING an expression rewrites ${table} while holding ACCESS EXCLUSIVE` });
    } else if (definition.collClause) {
      report({ message: `${described} with a new collation rebuilds the indexes of ${table} while holding ACCESS EXCLUSIVE` });
    } else if (old && !isBinaryCoercible(old, target) && !isUtcTimeZoneSwitch(context, old, target)) {
      report({ message: `${described} (from ${format(old)}) rewrites ${table} while holding ACCESS EXCLUSIVE` });
    } else if (!old && !stringTypes.has(target.name)) {
      report({
        message: `${described} rewrites ${table} while holding ACCESS EXCLUSIVE, unless its current type is binary-coercible to it`,
      });
    }
  }
}

/** Whether PostgreSQL changes the column's type in the catalog only (ATColumnChangeRequiresRewrite false). */
function isBinaryCoercible(old: ColumnType, target: ColumnType): boolean {
  if (old.isArray || target.isArray) return old.isArray === target.isArray && sameType(old, target);
  if (sameType(old, target)) return true;
  const [oldFirst, oldSecond] = old.typmods ?? [];
  const [newFirst, newSecond] = target.typmods ?? [];
  const unlimited = target.typmods !== null && target.typmods.length === 0;
  if (stringTypes.has(old.name) && target.name === "text") return true;
  if (stringTypes.has(old.name) && target.name === "varchar") {
    if (unlimited) return true;
    return old.name === "varchar" && oldFirst !== undefined && newFirst !== undefined && newFirst >= oldFirst;
  }
  if ((old.name === "numeric" || old.name === "varbit") && target.name === old.name) {
    if (unlimited) return true;
    if (oldFirst === undefined || newFirst === undefined) return false;
    return newFirst >= oldFirst && (old.name === "varbit" || (oldSecond ?? 0) === (newSecond ?? 0));
  }
  if (temporalTypes.has(old.name) && target.name === old.name) {
    // TemporalSimplify(): no-op when the new precision is absent, at least 6, or not below the old one.
    if (unlimited || (newFirst !== undefined && newFirst >= 6)) return true;
    return oldFirst !== undefined && newFirst !== undefined && newFirst >= oldFirst;
  }
  return old.name === "cidr" && target.name === "inet";
}

/**
 * timestamp ↔ timestamptz in a UTC session on PostgreSQL 12+: TimestampTimestampTzRequiresRewrite()
 * is false when the session time zone's offset is 0. A new precision below 6 keeps a rewrite
 * (the conversion's result has no typmod to compare with).
 */
function isUtcTimeZoneSwitch(context: StatementContext, old: ColumnType, target: ColumnType): boolean {
  const pair = new Set([old.name, target.name]);
  if (old.isArray || target.isArray || pair.size !== 2 || !pair.has("timestamp") || !pair.has("timestamptz")) return false;
  const [precision] = target.typmods ?? [0];
  return (precision === undefined || precision >= 6) && context.serverMajor >= 12 && sessionIsUtc(context);
}

/** Whether an earlier statement of the migration set the session time zone to UTC (and nothing reset it since). */
function sessionIsUtc({ migration, parsed }: StatementContext): boolean {
  let utc = false;
  for (const { parsed: earlier } of migration.statements) {
    if (earlier.index >= parsed.index) break;
    const setting = earlier.node.VariableSetStmt as AstNode | undefined;
    if (String(setting?.name ?? "").toLowerCase() !== "timezone") continue;
    const [kind, value] = unwrap(listOf(setting?.args)[0]);
    const zone = (value.sval as { sval?: string } | undefined)?.sval;
    const offset = value.ival as { ival?: number } | undefined;
    const effective = setting?.is_local !== true || migration.mode.mode !== "statements";
    utc =
      setting?.kind === "VAR_SET_VALUE" &&
      kind === "A_Const" &&
      effective &&
      (zone !== undefined ? utcZones.has(zone.toLowerCase()) : (offset?.ival ?? 0) === 0 && value.fval === undefined);
  }
  return utc;
}

function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.name === b.name && a.typmods !== null && b.typmods !== null && a.typmods.join(",") === b.typmods.join(",");
}

/** No USING, or USING the column itself (possibly cast to the new type): the value is carried over as ALTER TYPE would. */
function isTrivialUsing(expression: unknown, column: string, target: ColumnType, qualify: Qualify): boolean {
  if (expression === undefined) return true;
  const [kind, fields] = unwrap(expression);
  if (kind === "TypeCast") return sameType(typeOf(fields.typeName, qualify), target) && isTrivialUsing(fields.arg, column, target, qualify);
  if (kind !== "ColumnRef") return false;
  const parts = names(fields.fields);
  return parts[parts.length - 1] === column;
}

type Qualify = StatementContext["qualify"];

/** The type as written; a type of the project's own is qualified through the search_path, so `t` and `public.t` are equal. */
function typeOf(typeName: unknown, qualify: Qualify): ColumnType {
  const fields = (typeName ?? {}) as AstNode;
  const parts = names(fields.names);
  const bare = parts[parts.length - 1] ?? "";
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const builtin = serialAliases[bare] ?? bare;
  const name =
    schema === "pg_catalog" || (schema === undefined && (isBuiltinType(builtin) || !bare))
      ? builtin
      : schema === undefined
        ? qualify({ relname: bare })
        : `${schema}.${bare}`;
  const typmods: number[] = [];
  for (const modifier of listOf(fields.typmods)) {
    const [kind, constant] = unwrap(modifier);
    if (kind !== "A_Const" || constant.ival === undefined) return { name, typmods: null, isArray: listOf(fields.arrayBounds).length > 0 };
    typmods.push(Number((constant.ival as { ival?: number }).ival ?? 0));
  }
  return { name, typmods, isArray: listOf(fields.arrayBounds).length > 0 };
}

function format(type: ColumnType): string {
  const modifiers = type.typmods && type.typmods.length > 0 ? `(${type.typmods.join(",")})` : "";
  return `${type.name}${modifiers}${type.isArray ? "[]" : ""}`;
}

/** Follows CREATE TABLE, ADD/DROP/ALTER COLUMN, renames and drops, so later statements know each column's type. */
function remember({ node, qualify, project }: StatementContext): void {
  const tables = columnsOf(project);
  const [kind, fields] = unwrap(node);
  if (kind === "CreateStmt") {
    const columns = new Map<string, ColumnType>();
    for (const element of listOf(fields.tableElts)) {
      const [elementKind, column] = unwrap(element);
      if (elementKind === "ColumnDef") columns.set(String(column.colname ?? ""), typeOf(column.typeName, qualify));
    }
    tables.set(qualify(fields.relation), columns);
  } else if (kind === "AlterTableStmt" && fields.objtype === "OBJECT_TABLE") {
    const table = qualify(fields.relation);
    const columns = tables.get(table);
    for (const command of listOf(fields.cmds).map((entry) => unwrap(entry)[1])) {
      const [definitionKind, definition] = unwrap(command.def);
      if (command.subtype === "AT_AddColumn" && definitionKind === "ColumnDef") {
        if (columns) columns.set(String(definition.colname ?? ""), typeOf(definition.typeName, qualify));
        else tables.set(table, new Map([[String(definition.colname ?? ""), typeOf(definition.typeName, qualify)]]));
      }
      if (command.subtype === "AT_AlterColumnType" && definitionKind === "ColumnDef") {
        columns?.set(String(command.name ?? ""), typeOf(definition.typeName, qualify));
      }
      if (command.subtype === "AT_DropColumn") columns?.delete(String(command.name ?? ""));
    }
  } else if (kind === "RenameStmt") {
    const table = qualify(fields.relation);
    const columns = tables.get(table);
    if (fields.renameType === "OBJECT_COLUMN" && columns) {
      const type = columns.get(String(fields.subname ?? ""));
      columns.delete(String(fields.subname ?? ""));
      if (type) columns.set(String(fields.newname ?? ""), type);
    }
    if (fields.renameType === "OBJECT_TABLE" && columns) {
      tables.delete(table);
      tables.set(`${table.slice(0, table.lastIndexOf("."))}.${String(fields.newname ?? "")}`, columns);
    }
  } else if (kind === "DropStmt" && fields.removeType === "OBJECT_TABLE") {
    for (const object of listOf(fields.objects)) {
      const parts = names(unwrap(object)[1].items);
      const relation: RangeVar = { relname: parts[parts.length - 1] ?? "" };
      if (parts.length > 1) relation.schemaname = parts[parts.length - 2] as string;
      tables.delete(qualify(relation));
    }
  }
}
