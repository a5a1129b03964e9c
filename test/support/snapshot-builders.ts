import {
  type AggregateSnapshot,
  type ColumnSnapshot,
  type ConstraintSnapshot,
  type DomainSnapshot,
  type ForeignKeySnapshot,
  type FunctionSnapshot,
  type IndexSnapshot,
  type PolicySnapshot,
  type SchemaSnapshot,
  type Snapshot,
  type SnapshotSource,
  snapshotFormat,
  type TableSnapshot,
  type ViewSnapshot,
} from "../../src/model/snapshot.js";

/**
 * Builders of catalog snapshot objects (src/model/snapshot.ts) for unit tests. Each returns a
 * complete object with neutral defaults: the schema `app`, no grants, no comment, nothing
 * optional set; what a test cares about it passes as overrides, which win over every default.
 */

/** Where a snapshot was read: PostgreSQL 15.4, asked for the schema `app`. */
export function snapshotSource(overrides: Partial<SnapshotSource> = {}): SnapshotSource {
  return { engine: "postgres", server_version: "15.4", server_version_num: 150004, schemas: ["app"], ...overrides };
}

export function schemaSnapshot(name: string, overrides: Partial<SchemaSnapshot> = {}): SchemaSnapshot {
  return { name, grants: [], comment: null, ...overrides };
}

/** A snapshot of the schema `app` (see `snapshotSource`) with no objects and no statistics. */
export function emptySnapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    format: snapshotFormat,
    source: snapshotSource(),
    schemas: [schemaSnapshot("app")],
    extensions: [],
    types: [],
    sequences: [],
    tables: [],
    views: [],
    functions: [],
    statistics: { relations: [], total_size_bytes: 0 },
    ...parts,
  };
}

/** A nullable column without default, identity, generation or collation. */
export function columnSnapshot(name: string, position: number, type: string, overrides: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return {
    name,
    position,
    type,
    not_null: false,
    default: null,
    identity: null,
    generated: null,
    collation: null,
    grants: [],
    comment: null,
    ...overrides,
  };
}

/** A plain, permanent table in `app` without columns, RLS or any other part. */
export function tableSnapshot(name: string, overrides: Partial<TableSnapshot> = {}): TableSnapshot {
  return {
    schema: "app",
    name,
    kind: "table",
    persistence: "permanent",
    rls: { enabled: false, forced: false },
    partitioning: null,
    partition_of: null,
    inherits: [],
    options: [],
    columns: [],
    constraints: [],
    indexes: [],
    triggers: [],
    policies: [],
    grants: [],
    comment: null,
    ...overrides,
  };
}

/** A valid, immediate constraint with an empty definition and no foreign key. */
export function constraintSnapshot(
  name: string,
  type: ConstraintSnapshot["type"],
  columns: string[],
  overrides: Partial<ConstraintSnapshot> = {},
): ConstraintSnapshot {
  return {
    name,
    type,
    definition: "",
    columns,
    is_valid: true,
    deferrable: false,
    initially_deferred: false,
    foreign_key: null,
    comment: null,
    ...overrides,
  };
}

/** The reference of a foreign key, `MATCH SIMPLE` with `NO ACTION` on update and delete. */
export function foreignKeySnapshot(table: string, columns: string[], overrides: Partial<ForeignKeySnapshot> = {}): ForeignKeySnapshot {
  return { table, columns, on_update: "no action", on_delete: "no action", match: "simple", ...overrides };
}

/** A valid, non-unique btree index of no constraint, without predicate. */
export function indexSnapshot(name: string, definition: string, overrides: Partial<IndexSnapshot> = {}): IndexSnapshot {
  return {
    name,
    definition,
    method: "btree",
    is_unique: false,
    is_primary: false,
    is_valid: true,
    predicate: null,
    constraint: null,
    comment: null,
    ...overrides,
  };
}

/** A permissive policy for all commands to `public`, without USING or WITH CHECK. */
export function policySnapshot(name: string, overrides: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return { name, command: "all", mode: "permissive", roles: ["public"], using: null, with_check: null, comment: null, ...overrides };
}

/** A plain view in `app` without options, columns or any other part. */
export function viewSnapshot(name: string, definition: string, overrides: Partial<ViewSnapshot> = {}): ViewSnapshot {
  return {
    schema: "app",
    name,
    kind: "view",
    definition,
    options: [],
    is_populated: null,
    columns: [],
    indexes: [],
    triggers: [],
    grants: [],
    comment: null,
    ...overrides,
  };
}

/**
 * A volatile SQL function in `app` (or `overrides.schema`) without arguments, returning void,
 * with an empty body and no definition; its signature is `schema.name()` unless overridden.
 */
export function functionSnapshot(name: string, overrides: Partial<FunctionSnapshot> = {}): FunctionSnapshot {
  const schema = overrides.schema ?? "app";
  return {
    schema,
    name,
    signature: `${schema}.${name}()`,
    arguments: "",
    kind: "function",
    result: "void",
    language: "sql",
    volatility: "volatile",
    security_definer: false,
    strict: false,
    leakproof: false,
    parallel: "unsafe",
    search_path: null,
    config: [],
    body: "",
    definition: null,
    grants: [],
    comment: null,
    ...overrides,
  };
}

/** A normal aggregate's definition with only a transition function and state type, starting NULL. */
export function aggregateSnapshot(
  transitionFunction: string,
  stateType: string,
  overrides: Partial<AggregateSnapshot> = {},
): AggregateSnapshot {
  return {
    kind: "normal",
    transition_function: transitionFunction,
    state_type: stateType,
    state_space: 0,
    final_function: null,
    final_extra: false,
    final_modify: "read only",
    combine_function: null,
    serial_function: null,
    deserial_function: null,
    initial_condition: null,
    moving: null,
    sort_operator: null,
    ...overrides,
  };
}

/** A domain in `app` that allows NULL, without default, collation or constraints. */
export function domainSnapshot(name: string, baseType: string, overrides: Partial<DomainSnapshot> = {}): DomainSnapshot {
  return {
    kind: "domain",
    schema: "app",
    name,
    base_type: baseType,
    not_null: false,
    default: null,
    collation: null,
    constraints: [],
    comment: null,
    ...overrides,
  };
}
