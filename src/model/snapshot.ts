/**
 * The catalog snapshot: a typed, deterministic JSON model of a database's schema, read from
 * pg_catalog for the configured schemas (docs/snapshot.md). Every list of objects is sorted by
 * name (binary order, not the database's collation); lists whose order is meaning (enum
 * labels, the columns of a key) keep that order. Keys are snake_case like every JSON drydock
 * writes. Statistics sit apart, in `statistics`, so that comparisons can leave them out.
 * `owner` and `aggregate` are left out where they do not apply, so that snapshots written before
 * they existed read the same.
 */

/** The format marker of a snapshot file; bumped when the shape changes incompatibly. */
export const snapshotFormat = "drydock-snapshot/1";

export interface Snapshot {
  format: typeof snapshotFormat;
  /** Where it was read: engine and server version, and the schemas asked for (sorted). */
  source: SnapshotSource;
  /** The configured schemas that exist. */
  schemas: SchemaSnapshot[];
  /** Every extension of the database, wherever its objects live. */
  extensions: ExtensionSnapshot[];
  /** Enums, domains, composite and range types. */
  types: TypeSnapshot[];
  /** Sequences, except those behind identity columns (see `ColumnSnapshot.identity`). */
  sequences: SequenceSnapshot[];
  /** Tables, partitioned tables, partitions and foreign tables. */
  tables: TableSnapshot[];
  /** Views and materialized views. */
  views: ViewSnapshot[];
  /** Functions, procedures, aggregates and window functions not owned by an extension. */
  functions: FunctionSnapshot[];
  /** Sizes and row counts, for reports; never compared. */
  statistics: SnapshotStatistics;
}

export interface SnapshotSource {
  engine: "postgres" | "pglite";
  /** `server_version`, e.g. "15.4" or "17.5". */
  server_version: string;
  /** `server_version_num`, e.g. 150004. */
  server_version_num: number;
  schemas: string[];
}

/** A privilege given to a role other than the object's owner; `PUBLIC` for everyone. */
export interface GrantSnapshot {
  grantee: string;
  /** `SELECT`, `INSERT`, `USAGE`, `EXECUTE`… */
  privilege: string;
  grantable: boolean;
}

/**
 * The owner of an object, when it is not the database's owner (`pg_database.datdba`): objects
 * the role that owns the database created, the usual case, have no `owner` key. Relative to the
 * database rather than to the session, so that any role reading a database sees the same
 * snapshot; `pg_database_owner` (PostgreSQL 14+, the owner of `public` on 15+) is named as it is.
 */
export interface Owned {
  owner?: string;
}

export interface SchemaSnapshot extends Owned {
  name: string;
  grants: GrantSnapshot[];
  comment: string | null;
}

export interface ExtensionSnapshot {
  name: string;
  version: string;
  /** The schema that holds its objects. */
  schema: string;
  /** The routines it owns (pg_depend deptype 'e'), as `schema.name(argument types)`. */
  functions: string[];
}

export type TypeSnapshot = EnumSnapshot | DomainSnapshot | CompositeTypeSnapshot | RangeTypeSnapshot;

interface TypeBase extends Owned {
  schema: string;
  name: string;
  comment: string | null;
}

export interface EnumSnapshot extends TypeBase {
  kind: "enum";
  /** In their sort order (the order of `CREATE TYPE … AS ENUM` and `ADD VALUE … BEFORE`). */
  labels: string[];
}

export interface DomainSnapshot extends TypeBase {
  kind: "domain";
  base_type: string;
  not_null: boolean;
  default: string | null;
  collation: string | null;
  constraints: { name: string; definition: string; is_valid: boolean }[];
}

export interface CompositeTypeSnapshot extends TypeBase {
  kind: "composite";
  attributes: { name: string; position: number; type: string; collation: string | null }[];
}

export interface RangeTypeSnapshot extends TypeBase {
  kind: "range";
  subtype: string;
}

export interface SequenceSnapshot extends Owned {
  schema: string;
  name: string;
  type: string;
  /** Sequence parameters as decimal strings: bigint bounds do not fit a JSON number. */
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  persistence: Persistence;
  /** The column it belongs to (`OWNED BY`, as `serial` sets it), as `schema.table.column`. */
  owned_by: string | null;
  grants: GrantSnapshot[];
  comment: string | null;
}

export type Persistence = "permanent" | "unlogged";

export interface TableSnapshot extends Owned {
  schema: string;
  name: string;
  kind: "table" | "partitioned table" | "foreign table";
  persistence: Persistence;
  rls: { enabled: boolean; forced: boolean };
  /** For a partitioned table: its strategy and key (`pg_get_partkeydef`). */
  partitioning: { strategy: "range" | "list" | "hash"; key: string } | null;
  /** For a partition: its parent and bound (`FOR VALUES …`, or `DEFAULT`). */
  partition_of: { parent: string; bound: string } | null;
  /** Parents by plain inheritance (`INHERITS`), not partitioning. */
  inherits: string[];
  /** Storage parameters (`reloptions`), e.g. `fillfactor=70`. */
  options: string[];
  columns: ColumnSnapshot[];
  constraints: ConstraintSnapshot[];
  indexes: IndexSnapshot[];
  triggers: TriggerSnapshot[];
  policies: PolicySnapshot[];
  grants: GrantSnapshot[];
  comment: string | null;
}

export interface ColumnSnapshot {
  name: string;
  /** 1-based place among the relation's live columns (dropped columns leave no gap). */
  position: number;
  /** `format_type()`: `integer`, `character varying(80)`, `public.mood[]`. */
  type: string;
  not_null: boolean;
  default: string | null;
  identity: "always" | "by default" | null;
  generated: { kind: "stored" | "virtual"; expression: string } | null;
  /** Only when it differs from the type's default collation. */
  collation: string | null;
  /** Column-level privileges (`GRANT SELECT (col)`). */
  grants: GrantSnapshot[];
  comment: string | null;
}

export interface ConstraintSnapshot {
  name: string;
  type: "primary key" | "unique" | "foreign key" | "check" | "exclusion";
  /** `pg_get_constraintdef()`. */
  definition: string;
  /** The columns of the key, in key order (empty for a check on an expression). */
  columns: string[];
  /** False for `NOT VALID` constraints that were never validated. */
  is_valid: boolean;
  deferrable: boolean;
  initially_deferred: boolean;
  foreign_key: ForeignKeySnapshot | null;
  comment: string | null;
}

export type ReferentialAction = "no action" | "restrict" | "cascade" | "set null" | "set default";

export interface ForeignKeySnapshot {
  table: string;
  columns: string[];
  on_update: ReferentialAction;
  on_delete: ReferentialAction;
  match: "simple" | "full" | "partial";
}

export interface IndexSnapshot {
  /** Index names are unique per schema; the index lives in its table's schema. */
  name: string;
  /** `pg_get_indexdef()`. */
  definition: string;
  method: string;
  is_unique: boolean;
  is_primary: boolean;
  /** False for an index a failed `CREATE INDEX CONCURRENTLY` left behind. */
  is_valid: boolean;
  /** The `WHERE` of a partial index, else null. */
  predicate: string | null;
  /** The primary key, unique or exclusion constraint it implements. */
  constraint: string | null;
  comment: string | null;
}

export interface TriggerSnapshot {
  name: string;
  /** `pg_get_triggerdef()`. */
  definition: string;
  function: string;
  /** `origin` (the default), `always`, `replica` or `disabled`. */
  enabled: "origin" | "always" | "replica" | "disabled";
  is_constraint: boolean;
  comment: string | null;
}

export interface PolicySnapshot {
  name: string;
  command: "all" | "select" | "insert" | "update" | "delete";
  mode: "permissive" | "restrictive";
  /** Role names, sorted; `public` for everyone. */
  roles: string[];
  using: string | null;
  with_check: string | null;
  comment: string | null;
}

export interface ViewSnapshot extends Owned {
  schema: string;
  name: string;
  kind: "view" | "materialized view";
  /** `pg_get_viewdef(oid, true)`. */
  definition: string;
  /** `security_barrier`, `security_invoker`, `check_option=…` */
  options: string[];
  /** Materialized views only: false after `WITH NO DATA`. */
  is_populated: boolean | null;
  columns: ColumnSnapshot[];
  indexes: IndexSnapshot[];
  triggers: TriggerSnapshot[];
  grants: GrantSnapshot[];
  comment: string | null;
}

export interface FunctionSnapshot extends Owned {
  schema: string;
  name: string;
  /** `schema.name(argument types)` (`::regprocedure`): what tells overloads apart. */
  signature: string;
  /** The arguments with their names, modes and defaults (`pg_get_function_arguments`). */
  arguments: string;
  kind: "function" | "procedure" | "aggregate" | "window";
  /** `pg_get_function_result()`; null for procedures. */
  result: string | null;
  language: string;
  volatility: "immutable" | "stable" | "volatile";
  security_definer: boolean;
  strict: boolean;
  leakproof: boolean;
  parallel: "safe" | "restricted" | "unsafe";
  /** The `SET search_path` of the function, else null. */
  search_path: string | null;
  /** Every `SET name = value` of the function, sorted. */
  config: string[];
  /** The source (`prosrc`), or the SQL-standard body (`BEGIN ATOMIC … END`, `RETURN …`). */
  body: string;
  /** `pg_get_functiondef()`; null for aggregates, which it cannot print (see `aggregate`). */
  definition: string | null;
  /** For aggregates only (`pg_aggregate`): what `CREATE AGGREGATE` needs to make it again. */
  aggregate?: AggregateSnapshot;
  grants: GrantSnapshot[];
  comment: string | null;
}

/**
 * An aggregate's `pg_aggregate` row. Support functions are signatures as `::regprocedure` prints
 * them (`public.first_agg(anyelement,anyelement)`, `int4pl(integer,integer)`), types as
 * `format_type` does. The argument list is the function's `arguments` (`ORDER BY` included for
 * ordered-set aggregates), the parallel mode its `parallel`.
 */
export interface AggregateSnapshot {
  kind: "normal" | "ordered-set" | "hypothetical";
  /** `SFUNC`, `STYPE`, `SSPACE` (0: PostgreSQL's estimate). */
  transition_function: string;
  state_type: string;
  state_space: number;
  /** `FINALFUNC`, `FINALFUNC_EXTRA`, `FINALFUNC_MODIFY`. */
  final_function: string | null;
  final_extra: boolean;
  final_modify: AggregateModify;
  combine_function: string | null;
  serial_function: string | null;
  deserial_function: string | null;
  /** `INITCOND`, the state's initial value as text; null: the state starts NULL. */
  initial_condition: string | null;
  /** The moving-aggregate mode (`MSFUNC`, `MINVFUNC`, …), else null. */
  moving: MovingAggregateSnapshot | null;
  /** `SORTOP`, schema-qualified (`pg_catalog.<`), for aggregates like `min` an index can answer. */
  sort_operator: string | null;
}

export type AggregateModify = "read only" | "shareable" | "read write";

export interface MovingAggregateSnapshot {
  transition_function: string;
  inverse_function: string;
  state_type: string;
  state_space: number;
  final_function: string | null;
  final_extra: boolean;
  final_modify: AggregateModify;
  initial_condition: string | null;
}

export interface SnapshotStatistics {
  /** Tables, partitioned tables and materialized views, sorted by schema and name. */
  relations: RelationStatistics[];
  /** The sum of `total_size_bytes`. */
  total_size_bytes: number;
}

export interface RelationStatistics {
  schema: string;
  name: string;
  /** `reltuples`; null when the relation was never vacuumed or analyzed. */
  row_estimate: number | null;
  /** `count(*)`, with `exactCounts`; else null. */
  row_count: number | null;
  /** The main fork (`pg_relation_size`). */
  size_bytes: number;
  /** With indexes and TOAST (`pg_total_relation_size`). */
  total_size_bytes: number;
}

/** What kind of object a snapshot difference is about. */
export type SnapshotObjectKind =
  | "schema"
  | "extension"
  | "type"
  | "sequence"
  | "table"
  | "column"
  | "constraint"
  | "index"
  | "trigger"
  | "policy"
  | "grant"
  | "view"
  | "function";

/**
 * One real difference between two snapshots: an object `missing` from the second (it is in
 * the first only), `extra` in the second, or `changed`, one difference per attribute.
 */
export interface SnapshotDifference {
  kind: SnapshotObjectKind;
  /**
   * Qualified name: `app.users` (schema objects, indexes), `app.users.email` (columns,
   * constraints, triggers, policies), `app.f(integer)` (functions), `app.users: SELECT to
   * PUBLIC` (grants), or the bare name of a schema or extension.
   */
  name: string;
  change: "missing" | "extra" | "changed";
  /** The attribute that differs (`default`, `rls.enabled`, `foreign_key.on_delete`). */
  attribute?: string;
  before?: unknown;
  after?: unknown;
}
