/** Kinds of database objects the analysis tracks (SPEC §5). */
export type ObjectKind =
  | "schema"
  | "table"
  | "column"
  | "view"
  | "materialized_view"
  | "index"
  | "sequence"
  | "function"
  | "procedure"
  | "trigger"
  | "policy"
  | "type"
  | "enum"
  | "domain"
  | "extension"
  | "role"
  | "constraint";

/**
 * A database object named by a statement. `name` is schema-qualified and canonical, so equal
 * objects have equal names: `public.users` (relations and types), `public.users.email`
 * (columns), `public.users.users_pkey` (constraints, triggers and policies: table, then name),
 * `public.add_user(integer, text)` (functions with argument types, when known; a call names
 * the function without them), `pgcrypto` (extensions, schemas and roles: just the name).
 */
export interface ObjectRef {
  kind: ObjectKind;
  name: string;
}

/**
 * PostgreSQL's table-level lock modes, weakest first
 * (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES), spelled as
 * `pg_locks.mode` shows them.
 */
export const lockModes = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
] as const;

export type LockMode = (typeof lockModes)[number];

/** A lock a statement takes (predicted) or held (observed) on one relation. */
export interface RelationLock {
  /** Schema-qualified relation name, e.g. `public.users`. */
  relation: string;
  mode: LockMode;
}

/** What one statement does, as far as the SQL tells. */
export interface StatementFacts {
  index: number;
  line: number;
  column: number;
  /** create_table, alter_table_add_column, create_index, create_index_concurrently, insert, drop_table, … */
  kind: string;
  creates: ObjectRef[];
  alters: ObjectRef[];
  drops: ObjectRef[];
  /** Objects that must exist when the statement runs (PostgreSQL resolves them at once). */
  references: ObjectRef[];
  /**
   * Objects a PL/pgSQL body or a DO block mentions: resolved only when the code runs, so they
   * add dependency edges but never findings.
   */
  softReferences: ObjectRef[];
  /** The statement says IF NOT EXISTS or OR REPLACE: creating an existing object is no error. */
  tolerantCreate: boolean;
  /** The statement says IF EXISTS: dropping a missing object is no error. */
  tolerantDrop: boolean;
  locks: RelationLock[];
}
