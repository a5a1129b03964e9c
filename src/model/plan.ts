import type { ObjectRef, RelationLock } from "./analysis.js";

/** A problem the plan finds (SPEC §5), located in a migration file. */
export interface PlanFinding {
  kind: "ordering-violation" | "unknown-reference" | "dependency-cycle" | "duplicate-object" | "concurrent-in-transaction";
  severity: "error" | "warning" | "info";
  file: string;
  line: number;
  column: number;
  message: string;
  /** The migration it is about. */
  version: string;
}

/** One migration in the plan (SPEC §4 `plan --json`). */
export interface PlannedMigration {
  version: string;
  name: string;
  file: string;
  /** Number of SQL statements. */
  statements: number;
  /** The statements by kind (SPEC §5: `create_table`, `create_index_concurrently`, `grant`, `update`…), in order of first use. */
  statement_kinds?: Record<string, number>;
  /** Objects created, by kind: `{ "table": 1, "index": 8 }`. */
  inventory: Record<string, number>;
  creates: ObjectRef[];
  alters: ObjectRef[];
  drops: ObjectRef[];
  /**
   * Objects its drops take with them without naming them, as far as the plan knows them: what
   * depends on a dropped object (`CASCADE`), what a dropped schema holds. Present when any.
   * PostgreSQL asks for no ownership of these, so pre-flight does not either.
   */
  cascades?: ObjectRef[];
  /** Objects it renames or moves to another schema (`ALTER … RENAME TO`, `SET SCHEMA`), in statement order. */
  renames?: Array<{ kind: ObjectRef["kind"]; from: string; to: string }>;
  /** Objects it needs that exist before it, by their resolved names. */
  references: ObjectRef[];
  /** Versions it depends on: through objects it needs, and `-- drydock:requires`. */
  requires: string[];
  /** The strongest predicted lock per relation. */
  locks: RelationLock[];
  /** It has a down migration. */
  reversible: boolean;
  /** "transaction", or "statements" with the reason. */
  transaction: { mode: "transaction" | "statements"; reason: string };
  pending: boolean;
}

/** The plan of SPEC §5: what the pending migrations do, in which order, and what is wrong. */
export interface Plan {
  /** SHA-256 over the pending migrations' (version, checksum) and the target's schema fingerprint. */
  hash: string;
  migrations: PlannedMigration[];
  findings: PlanFinding[];
  /** Migrations in dependency levels: none in a group depends on another of the same group. */
  groups: string[][];
  /** Lint findings of the planned migrations, counted by severity (`drydock lint` lists them). */
  lint?: { error: number; warning: number; info: number; allowed: number; rules: Record<string, number> };
}
