import { isDeepStrictEqual } from "node:util";
import type { ColumnSnapshot, ConstraintSnapshot, PolicySnapshot, Snapshot, TableSnapshot, TriggerSnapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { indexBy } from "./index-by.js";
import { mentionsColumn, qualified, regclassName, roleName } from "./sql-text.js";

/** `"schema"."table"` of a table, view or other relation. */
export function relationName(relation: { schema: string; name: string }): string {
  return qualified(relation.schema, relation.name);
}

/**
 * A column as CREATE TABLE and ADD COLUMN take it. Identity columns get PostgreSQL's default
 * sequence parameters: the snapshot keeps identity sequences inside their column, without them.
 */
export function columnDefinition(column: ColumnSnapshot): string {
  const parts = [quoteIdent(column.name), column.type];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.generated)
    parts.push(`GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.kind === "stored" ? "STORED" : "VIRTUAL"}`);
  else if (column.default !== null) parts.push(`DEFAULT ${column.default}`);
  if (column.identity) parts.push(`GENERATED ${column.identity === "always" ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`);
  if (column.not_null) parts.push("NOT NULL");
  return parts.join(" ");
}

/**
 * CREATE TABLE without foreign keys or other constraints (added later, once every table
 * exists). A partition is created `PARTITION OF` its parent, which gives it its columns.
 */
export function createTable(table: TableSnapshot): string {
  const name = relationName(table);
  const unlogged = table.persistence === "unlogged" ? "UNLOGGED " : "";
  const partitionBy = table.partitioning ? ` PARTITION BY ${table.partitioning.strategy.toUpperCase()} (${table.partitioning.key})` : "";
  const options = table.options.length > 0 ? ` WITH (${table.options.join(", ")})` : "";
  if (table.partition_of) {
    return `CREATE ${unlogged}TABLE ${name} PARTITION OF ${table.partition_of.parent} ${table.partition_of.bound}${partitionBy}${options};`;
  }
  const columns = [...table.columns]
    .sort((x, y) => x.position - y.position)
    .map((column) => `  ${columnDefinition(column)}`)
    .join(",\n");
  const inherits = table.inherits.length > 0 ? ` INHERITS (${table.inherits.join(", ")})` : "";
  return `CREATE ${unlogged}TABLE ${name} (\n${columns}\n)${inherits}${partitionBy}${options};`;
}

/**
 * Statements that give a partition's columns what the parent did not: a default, NOT NULL,
 * or identity set on the partition itself.
 */
export function partitionColumnChanges(table: TableSnapshot, parent: TableSnapshot | undefined): string[] {
  if (!table.partition_of || !parent) return [];
  const statements: string[] = [];
  for (const column of table.columns) {
    const inherited = parent.columns.find((candidate) => candidate.name === column.name);
    if (!inherited) continue;
    const target = `ALTER TABLE ${relationName(table)} ALTER COLUMN ${quoteIdent(column.name)}`;
    if (column.default !== inherited.default && column.default !== null && !column.generated)
      statements.push(`${target} SET DEFAULT ${column.default};`);
    if (column.not_null && !inherited.not_null) statements.push(`${target} SET NOT NULL;`);
  }
  return statements;
}

/** ALTER TABLE … ADD CONSTRAINT, from pg_get_constraintdef (which keeps DEFERRABLE and NOT VALID). */
export function addConstraint(table: TableSnapshot, constraint: ConstraintSnapshot): string {
  return `ALTER TABLE ${relationName(table)} ADD CONSTRAINT ${quoteIdent(constraint.name)} ${constraint.definition};`;
}

/** The statements that enable a trigger as the snapshot has it (CREATE TRIGGER makes it `origin`). */
export function createTrigger(relation: { schema: string; name: string }, trigger: TriggerSnapshot): string[] {
  const statements = [`${trigger.definition};`];
  const mode = { origin: null, always: "ENABLE ALWAYS", replica: "ENABLE REPLICA", disabled: "DISABLE" }[trigger.enabled];
  if (mode) statements.push(`ALTER TABLE ${relationName(relation)} ${mode} TRIGGER ${quoteIdent(trigger.name)};`);
  return statements;
}

/** CREATE POLICY with every clause spelled out. */
export function createPolicy(table: TableSnapshot, policy: PolicySnapshot): string {
  const roles = policy.roles.length > 0 ? policy.roles.map(roleName).join(", ") : "PUBLIC";
  const using = policy.using !== null ? ` USING (${policy.using})` : "";
  const check = policy.with_check !== null ? ` WITH CHECK (${policy.with_check})` : "";
  return `CREATE POLICY ${quoteIdent(policy.name)} ON ${relationName(table)} AS ${policy.mode.toUpperCase()} FOR ${policy.command.toUpperCase()} TO ${roles}${using}${check};`;
}

/** ALTER TABLE … ENABLE/FORCE ROW LEVEL SECURITY statements turning one RLS state into another. */
export function rlsChanges(table: TableSnapshot, before: TableSnapshot["rls"]): string[] {
  const statements: string[] = [];
  const name = relationName(table);
  if (table.rls.enabled !== before.enabled)
    statements.push(`ALTER TABLE ${name} ${table.rls.enabled ? "ENABLE" : "DISABLE"} ROW LEVEL SECURITY;`);
  if (table.rls.forced !== before.forced)
    statements.push(`ALTER TABLE ${name} ${table.rls.forced ? "FORCE" : "NO FORCE"} ROW LEVEL SECURITY;`);
  return statements;
}

/** The tables a table needs first: its partition parent and its INHERITS parents. */
export function parentsOf(table: TableSnapshot): string[] {
  return [...(table.partition_of ? [table.partition_of.parent] : []), ...table.inherits];
}

/**
 * A table's constraints minus those it gets from a parent (a partition's or an inheritance
 * child's copies of the parent's checks, keys and foreign keys, created with the parent's).
 */
export function ownConstraints(table: TableSnapshot, parents: readonly TableSnapshot[]): ConstraintSnapshot[] {
  return table.constraints.filter((constraint) => {
    if (table.partition_of && (constraint.type === "primary key" || constraint.type === "unique")) {
      return !parents.some((parent) =>
        parent.constraints.some((other) => other.type === constraint.type && other.definition === constraint.definition),
      );
    }
    return !parents.some((parent) =>
      parent.constraints.some((other) => other.name === constraint.name && other.definition === constraint.definition),
    );
  });
}

/** The names of a table's parts that both sides have but that must be dropped and created again. */
export interface ReplacedParts {
  constraints: Set<string>;
  indexes: Set<string>;
  triggers: Set<string>;
  policies: Set<string>;
  /** Generated columns (see `regeneratedColumns`). */
  columns: Set<string>;
}

/**
 * `replacedParts` of every table both sides have, by `schema.name`, computed once for the drops
 * and the changes. A table that loses or replaces its primary key, a unique constraint or a
 * unique index also replaces the foreign keys that reference it (on any table): DROP CONSTRAINT
 * and DROP INDEX refuse while a foreign key depends on the key, so those foreign keys are dropped
 * before it and added again after it.
 */
export function allReplacedParts(from: Snapshot, to: Snapshot): Map<string, ReplacedParts> {
  const keyOf = (table: TableSnapshot) => `${table.schema}.${table.name}`;
  const toTables = indexBy(to.tables, keyOf);
  const parts = new Map<string, ReplacedParts>();
  const keysReplaced = new Set<string>();
  for (const before of from.tables) {
    const after = toTables.get(keyOf(before));
    if (!after) continue;
    const own = replacedParts(before, after);
    parts.set(keyOf(before), own);
    if (losesKey(before, after, own)) keysReplaced.add(regclassName(before.schema, before.name));
  }
  if (keysReplaced.size === 0) return parts;
  for (const before of from.tables) {
    const own = parts.get(keyOf(before));
    const after = toTables.get(keyOf(before));
    if (!own || !after) continue;
    for (const constraint of before.constraints) {
      const kept = after.constraints.some((other) => other.name === constraint.name);
      if (kept && constraint.foreign_key && keysReplaced.has(constraint.foreign_key.table)) own.constraints.add(constraint.name);
    }
  }
  return parts;
}

function losesKey(before: TableSnapshot, after: TableSnapshot, parts: ReplacedParts): boolean {
  const constraintsAfter = new Set(after.constraints.map((constraint) => constraint.name));
  const indexesAfter = new Set(after.indexes.map((index) => index.name));
  return (
    before.constraints.some(
      (constraint) =>
        (constraint.type === "primary key" || constraint.type === "unique") &&
        (parts.constraints.has(constraint.name) || !constraintsAfter.has(constraint.name)),
    ) ||
    before.indexes.some(
      (index) => index.is_unique && index.constraint === null && (parts.indexes.has(index.name) || !indexesAfter.has(index.name)),
    )
  );
}

/** The columns of a table both sides have whose type or collation changes. */
export function retypedColumns(before: TableSnapshot, after: TableSnapshot): ColumnSnapshot[] {
  const columnsBefore = indexBy(before.columns, (column) => column.name);
  return after.columns.filter((column) => {
    const was = columnsBefore.get(column.name);
    return was !== undefined && (was.type !== column.type || was.collation !== column.collation);
  });
}

/**
 * Generated columns both sides have that must be dropped and added again: PostgreSQL 15 cannot
 * change a generation expression in place (`SET EXPRESSION` came in 17) and refuses `ALTER
 * COLUMN TYPE` of a column a generated column is computed from. Their values are computed again,
 * so nothing is lost; added again, the column comes last. A plain column that becomes generated
 * is not one of them: its values would be lost (docs/diff.md).
 */
function regeneratedColumns(before: TableSnapshot, after: TableSnapshot): Set<string> {
  const columnsBefore = indexBy(before.columns, (column) => column.name);
  const retyped = retypedColumns(before, after);
  return new Set(
    after.columns.flatMap((column) => {
      const was = columnsBefore.get(column.name);
      if (!was?.generated || !column.generated) return [];
      const changed = !isDeepStrictEqual(was.generated, column.generated);
      const fromRetyped = retyped.some(
        (other) => other.name !== column.name && mentionsColumn(column.generated?.expression ?? "", other.name),
      );
      return changed || fromRetyped ? [column.name] : [];
    }),
  );
}

/**
 * The parts of a table both sides have that cannot be altered in place: constraints and indexes
 * whose definition changed, triggers and policies that changed in any way but their comment,
 * and policies that use a column whose type changes (ALTER COLUMN TYPE refuses those). They are
 * dropped with the drops, before any column is (the old definition may use a dropped column),
 * and created again with the other changes.
 */
export function replacedParts(before: TableSnapshot, after: TableSnapshot): ReplacedParts {
  const sameBut = <T extends { comment: string | null }>(x: T, y: T) => isDeepStrictEqual({ ...x, comment: null }, { ...y, comment: null });
  const retyped = retypedColumns(before, after);
  const regenerated = regeneratedColumns(before, after);
  // DROP COLUMN takes the indexes and constraints on a regenerated column with it, and refuses
  // while a policy or a trigger uses it: all of them are created again.
  const usesRegenerated = (text: string) => [...regenerated].some((column) => mentionsColumn(text, column));
  const usesRetyped = (policy: PolicySnapshot) =>
    retyped.some((column) => mentionsColumn(`${policy.using ?? ""} ${policy.with_check ?? ""}`, column.name));
  const names = <T extends { name: string }>(items: readonly T[], others: readonly T[], replaced: (was: T, is: T) => boolean) => {
    const othersByName = indexBy(others, (other) => other.name);
    return new Set(
      items.flatMap((item) => {
        const other = othersByName.get(item.name);
        return other && replaced(item, other) ? [item.name] : [];
      }),
    );
  };
  return {
    constraints: names(
      before.constraints,
      after.constraints,
      (was, is) => was.definition !== is.definition || usesRegenerated(was.definition),
    ),
    indexes: names(
      before.indexes.filter((index) => index.constraint === null),
      after.indexes,
      (was, is) => was.definition !== is.definition || is.constraint !== null || usesRegenerated(was.definition),
    ),
    triggers: names(before.triggers, after.triggers, (was, is) => !sameBut(was, is) || usesRegenerated(was.definition)),
    policies: names(
      before.policies,
      after.policies,
      (was, is) => !sameBut(was, is) || usesRetyped(was) || usesRegenerated(`${was.using ?? ""} ${was.with_check ?? ""}`),
    ),
    columns: regenerated,
  };
}
