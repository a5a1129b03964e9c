import type {
  AggregateModify,
  AggregateSnapshot,
  ColumnSnapshot,
  ConstraintSnapshot,
  FunctionSnapshot,
  GrantSnapshot,
  IndexSnapshot,
  PolicySnapshot,
  ReferentialAction,
  SequenceSnapshot,
  Snapshot,
  SnapshotSource,
  TableSnapshot,
  TriggerSnapshot,
  TypeSnapshot,
  ViewSnapshot,
} from "../model/snapshot.js";
import { snapshotFormat } from "../model/snapshot.js";
import type { ColumnRow } from "./queries/columns.js";
import type { ConstraintRow } from "./queries/constraints.js";
import type { ExtensionRow } from "./queries/extensions.js";
import type { AggregateRow, FunctionRow } from "./queries/functions.js";
import type { IndexRow } from "./queries/indexes.js";
import type { PolicyRow } from "./queries/policies.js";
import type { SchemaRow } from "./queries/schemas.js";
import type { SequenceRow } from "./queries/sequences.js";
import type { StatisticsRow } from "./queries/statistics.js";
import type { TableRow } from "./queries/tables.js";
import type { TriggerRow } from "./queries/triggers.js";
import type { TypeRow } from "./queries/types.js";
import type { ViewRow } from "./queries/views.js";

/** The rows of every catalog query, as read from one database. */
export interface CatalogRows {
  schemas: SchemaRow[];
  extensions: ExtensionRow[];
  types: TypeRow[];
  sequences: SequenceRow[];
  tables: TableRow[];
  columns: ColumnRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  triggers: TriggerRow[];
  policies: PolicyRow[];
  views: ViewRow[];
  functions: FunctionRow[];
  statistics: StatisticsRow[];
  /** Exact row counts by `schema.name`, when they were asked for. */
  rowCounts: Map<string, number> | null;
}

/** Compares strings by UTF-16 code units: the same order on every engine and collation. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts a copy of a list by the keys `keyOf` gives, in order (stable: equal keys keep their order). */
export function sortBy<T>(items: readonly T[], keyOf: (item: T) => string[]): T[] {
  // Keys are made once per item, not twice per comparison: lists run to tens of thousands.
  const keyed = items.map((item) => ({ item, key: keyOf(item) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const order = compareText(a.key[i] ?? "", b.key[i] ?? "");
      if (order !== 0) return order;
    }
    return 0;
  });
  return keyed.map((entry) => entry.item);
}

const compareNames = (a: { name: string }, b: { name: string }): number => compareText(a.name, b.name);
const byName = <T extends { name: string }>(items: readonly T[]): T[] => [...items].sort(compareNames);
const bySchemaAndName = <T extends { schema: string; name: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => compareText(a.schema, b.schema) || compareNames(a, b));

/** `{ owner }` when the catalog named one (not the database's owner), else nothing: the key is left out. */
function ownerOf(row: { owner: string | null }): { owner?: string } {
  return row.owner === null ? {} : { owner: row.owner };
}

function grants(rows: GrantSnapshot[] | null): GrantSnapshot[] {
  if (rows === null || rows.length < 2) return rows ?? []; // most objects: no grant or one
  return sortBy(rows, (grant) => [grant.grantee, grant.privilege]);
}

/** Groups rows by their relation's `schema.name`. */
function groupByRelation<Row extends { schema: string }, T>(
  rows: readonly Row[],
  relationOf: (row: Row) => string,
  map: (row: Row) => T,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = `${row.schema}.${relationOf(row)}`;
    const group = groups.get(key);
    if (group) group.push(map(row));
    else groups.set(key, [map(row)]);
  }
  return groups;
}

const referentialActions: Record<string, ReferentialAction> = {
  a: "no action",
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};
const constraintTypes = { p: "primary key", u: "unique", f: "foreign key", c: "check", x: "exclusion" } as const;
const triggerStates = { O: "origin", A: "always", R: "replica", D: "disabled" } as const;
const policyCommands = { "*": "all", r: "select", a: "insert", w: "update", d: "delete" } as const;
const functionKinds = { f: "function", p: "procedure", a: "aggregate", w: "window" } as const;
const volatilities = { i: "immutable", s: "stable", v: "volatile" } as const;
const parallelModes = { s: "safe", r: "restricted", u: "unsafe" } as const;
const matchTypes = { s: "simple", f: "full", p: "partial" } as const;
const aggregateKinds = { n: "normal", o: "ordered-set", h: "hypothetical" } as const;
const aggregateModes: Record<string, AggregateModify> = { r: "read only", s: "shareable", w: "read write" };

function sequence(row: SequenceRow): SequenceSnapshot {
  const { schema, name, owner: _owner, ...rest } = row;
  return {
    schema,
    name,
    ...ownerOf(row),
    ...rest,
    persistence: row.persistence === "u" ? "unlogged" : "permanent",
    grants: grants(row.grants),
  };
}

function column(row: ColumnRow, position: number): ColumnSnapshot {
  const generated = row.generated === "s" ? "stored" : row.generated === "v" ? "virtual" : null;
  return {
    name: row.name,
    position,
    type: row.type,
    not_null: row.not_null,
    default: generated ? null : row.default,
    identity: row.identity === "a" ? "always" : row.identity === "d" ? "by default" : null,
    generated: generated ? { kind: generated, expression: row.default ?? "" } : null,
    collation: row.collation,
    grants: grants(row.grants),
    comment: row.comment,
  };
}

/** Columns by relation, each numbered by its place among the relation's live columns in attnum order. */
function columnsByRelation(rows: readonly ColumnRow[]): Map<string, ColumnSnapshot[]> {
  const columns = new Map<string, ColumnSnapshot[]>();
  for (const [key, group] of groupByRelation(
    rows,
    (row) => row.relation,
    (row) => row,
  )) {
    group.sort((a, b) => a.attnum - b.attnum);
    columns.set(
      key,
      group.map((row, index) => column(row, index + 1)),
    );
  }
  return columns;
}

function constraint(row: ConstraintRow): ConstraintSnapshot {
  return {
    name: row.name,
    type: constraintTypes[row.type],
    definition: row.definition,
    columns: row.columns ?? [],
    is_valid: row.is_valid,
    deferrable: row.deferrable,
    initially_deferred: row.initially_deferred,
    foreign_key:
      row.type === "f"
        ? {
            table: row.references_table ?? "",
            columns: row.references_columns ?? [],
            on_update: referentialActions[row.on_update] ?? "no action",
            on_delete: referentialActions[row.on_delete] ?? "no action",
            match: matchTypes[row.match as keyof typeof matchTypes] ?? "simple",
          }
        : null,
    comment: row.comment,
  };
}

function index(row: IndexRow): IndexSnapshot {
  return {
    name: row.name,
    definition: row.definition,
    method: row.method,
    is_unique: row.is_unique,
    is_primary: row.is_primary,
    is_valid: row.is_valid,
    predicate: row.predicate,
    constraint: row.constraint,
    comment: row.comment,
  };
}

function trigger(row: TriggerRow): TriggerSnapshot {
  return {
    name: row.name,
    definition: row.definition,
    function: row.function,
    enabled: triggerStates[row.enabled],
    is_constraint: row.is_constraint,
    comment: row.comment,
  };
}

function policy(row: PolicyRow): PolicySnapshot {
  return {
    name: row.name,
    command: policyCommands[row.command],
    mode: row.permissive ? "permissive" : "restrictive",
    roles: [...(row.roles ?? [])].sort(compareText),
    using: row.using,
    with_check: row.with_check,
    comment: row.comment,
  };
}

function type(row: TypeRow): TypeSnapshot {
  const base = { schema: row.schema, name: row.name, ...ownerOf(row), comment: row.comment };
  switch (row.kind) {
    case "e":
      return { ...base, kind: "enum", labels: row.labels ?? [] };
    case "d":
      return {
        ...base,
        kind: "domain",
        base_type: row.base_type ?? "",
        not_null: row.not_null,
        default: row.default,
        collation: row.collation,
        constraints: byName(row.constraints ?? []),
      };
    case "c":
      return { ...base, kind: "composite", attributes: byName(row.attributes ?? []) };
    case "r":
      return { ...base, kind: "range", subtype: row.subtype ?? "" };
  }
}

function aggregate(row: AggregateRow): AggregateSnapshot {
  const moving = row.moving;
  return {
    kind: aggregateKinds[row.kind],
    transition_function: row.transition_function,
    state_type: row.state_type,
    state_space: Number(row.state_space),
    final_function: row.final_function,
    final_extra: row.final_extra,
    final_modify: aggregateModes[row.final_modify] ?? "read only",
    combine_function: row.combine_function,
    serial_function: row.serial_function,
    deserial_function: row.deserial_function,
    initial_condition: row.initial_condition,
    moving: moving
      ? {
          transition_function: moving.transition_function,
          inverse_function: moving.inverse_function,
          state_type: moving.state_type,
          state_space: Number(moving.state_space),
          final_function: moving.final_function,
          final_extra: moving.final_extra,
          final_modify: aggregateModes[moving.final_modify] ?? "read only",
          initial_condition: moving.initial_condition,
        }
      : null,
    sort_operator: row.sort_operator,
  };
}

function fn(row: FunctionRow): FunctionSnapshot {
  const config = [...(row.config ?? [])].sort(compareText);
  const searchPath = config.find((setting) => setting.startsWith("search_path="));
  return {
    schema: row.schema,
    name: row.name,
    ...ownerOf(row),
    signature: row.signature,
    arguments: row.arguments,
    kind: functionKinds[row.kind],
    result: row.kind === "p" ? null : row.result,
    language: row.language,
    volatility: volatilities[row.volatility],
    security_definer: row.security_definer,
    strict: row.strict,
    leakproof: row.leakproof,
    parallel: parallelModes[row.parallel],
    search_path: searchPath ? searchPath.slice("search_path=".length) : null,
    config,
    body: row.body,
    definition: row.definition,
    ...(row.aggregate ? { aggregate: aggregate(row.aggregate) } : {}),
    grants: grants(row.grants),
    comment: row.comment,
  };
}

/**
 * Builds the snapshot from the catalog rows: maps PostgreSQL's one-letter codes to words,
 * hangs columns, constraints, indexes, triggers and policies under their relation, and sorts
 * every list by name (binary order, the same on every collation).
 */
export function assembleSnapshot(source: SnapshotSource, rows: CatalogRows): Snapshot {
  const columns = columnsByRelation(rows.columns);
  const constraints = groupByRelation(rows.constraints, (row) => row.table, constraint);
  const indexes = groupByRelation(rows.indexes, (row) => row.table, index);
  const triggers = groupByRelation(rows.triggers, (row) => row.relation, trigger);
  const policies = groupByRelation(rows.policies, (row) => row.table, policy);
  // Each group is read once and belongs to this call: it is sorted in place.
  const under = <T extends { name: string }>(groups: Map<string, T[]>, key: string): T[] => groups.get(key)?.sort(compareNames) ?? [];

  const tables = rows.tables.map((row): TableSnapshot => {
    const key = `${row.schema}.${row.name}`;
    const [strategy, ...keyParts] = (row.partition_key ?? "").split(" ");
    return {
      schema: row.schema,
      name: row.name,
      ...ownerOf(row),
      kind: row.kind === "p" ? "partitioned table" : row.kind === "f" ? "foreign table" : "table",
      persistence: row.persistence === "u" ? "unlogged" : "permanent",
      rls: { enabled: row.rls_enabled, forced: row.rls_forced },
      partitioning: row.partition_key
        ? {
            strategy: (strategy ?? "").toLowerCase() as "range" | "list" | "hash",
            key: keyParts.join(" ").replace(/^\((.*)\)$/s, "$1"),
          }
        : null,
      partition_of: row.partition_of ? { parent: row.partition_of, bound: row.partition_bound ?? "" } : null,
      inherits: row.inherits ?? [],
      options: [...(row.options ?? [])].sort(compareText),
      columns: under(columns, key),
      constraints: under(constraints, key),
      indexes: under(indexes, key),
      triggers: under(triggers, key),
      policies: under(policies, key),
      grants: grants(row.grants),
      comment: row.comment,
    };
  });
  const views = rows.views.map((row): ViewSnapshot => {
    const key = `${row.schema}.${row.name}`;
    return {
      schema: row.schema,
      name: row.name,
      ...ownerOf(row),
      kind: row.kind === "m" ? "materialized view" : "view",
      definition: row.definition,
      options: [...(row.options ?? [])].sort(compareText),
      is_populated: row.kind === "m" ? row.is_populated : null,
      columns: under(columns, key),
      indexes: under(indexes, key),
      triggers: under(triggers, key),
      grants: grants(row.grants),
      comment: row.comment,
    };
  });
  const relations = bySchemaAndName(rows.statistics).map((row) => ({
    schema: row.schema,
    name: row.name,
    row_estimate: row.row_estimate === null ? null : Number(row.row_estimate),
    row_count: rows.rowCounts?.get(`${row.schema}.${row.name}`) ?? null,
    size_bytes: Number(row.size_bytes),
    total_size_bytes: Number(row.total_size_bytes),
  }));

  return {
    format: snapshotFormat,
    source,
    schemas: byName(rows.schemas.map((row) => ({ name: row.name, ...ownerOf(row), grants: grants(row.grants), comment: row.comment }))),
    extensions: byName(rows.extensions.map((row) => ({ ...row, functions: [...(row.functions ?? [])].sort(compareText) }))),
    types: bySchemaAndName(rows.types.map(type)),
    sequences: bySchemaAndName(rows.sequences.map(sequence)),
    tables: bySchemaAndName(tables),
    views: bySchemaAndName(views),
    functions: sortBy(rows.functions.map(fn), (f) => [f.schema, f.name, f.signature]),
    statistics: { relations, total_size_bytes: relations.reduce((sum, relation) => sum + relation.total_size_bytes, 0) },
  };
}
