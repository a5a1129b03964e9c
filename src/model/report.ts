import type { RelationLock } from "./analysis.js";
import type { CheckResult } from "./check.js";
import type { PlanFinding, PlannedMigration } from "./plan.js";
import type { SnapshotDifference } from "./snapshot.js";

/** Which command wrote an evidence package. */
export type ReportKind = "rehearsal" | "apply" | "verify";

/** Counts of a database for the before/after table of a report (SPEC §9 `stats`). */
export interface ReportStats {
  tables: number;
  columns: number;
  foreign_keys: number;
  indexes: number;
  policies: number;
  rls_tables: number;
  functions: number;
  views: number;
  triggers: number;
  size_bytes: number;
  rows: number;
}

/** Where a step failed (SPEC §9 `steps[].error`). */
export interface StepError {
  sqlstate: string;
  message: string;
  file: string;
  line: number;
  column: number;
  hint: string | null;
}

/** One migration as it ran (SPEC §9 `steps[]`). */
export interface ReportStep {
  version: string;
  name: string;
  /** `applied`, `failed`, or `not-run` (after an earlier failure). */
  status: "applied" | "failed" | "not-run";
  duration_ms: number;
  /** The locks it held, read from pg_locks in its own transaction before commit. */
  locks: RelationLock[];
  /** Whether `locks` was measured; false for statement-by-statement migrations and failed ones. */
  locks_measured: boolean;
  /** Objects created, altered and dropped, from snapshots taken before and after it. */
  changes: { created: string[]; altered: string[]; dropped: string[] };
  /** Where what it did differs from what the plan predicted, one readable line each. */
  predicted_mismatch: string[];
  error: StepError | null;
  /** The WARNINGs the server raised while it ran (`RAISE WARNING`, a deprecated option…); absent when none. */
  server_warnings?: string[];
}

/** The rollback drill (SPEC §7 Rehearse step 6). */
export interface RollbackDrill {
  status: "pass" | "fail" | "irreversible" | "skip";
  /** Why it has this status: the migrations without a down, the differences found, why it was skipped. */
  details: string[];
  /** The catalog differences after the downs (against before) and after the ups again (against after). */
  differences?: { after_down: SnapshotDifference[]; after_up: SnapshotDifference[] };
  duration_ms?: number;
  /** The data of the tables that existed before, compared after the downs; absent when the downs did not run. */
  data?: RollbackDrillData;
  /**
   * Tables whose values the downs did not put back though none was lost (as many rows, as many
   * values per column): not a failure, a reason for the reviewer to look (risk medium).
   */
  warnings?: string[];
}

/**
 * What the drill's data comparison read: the tables that existed before the migrations (in the
 * project's schemas), read before them and again after the downs.
 */
export interface RollbackDrillData {
  /** Tables compared, by content or by row count only. */
  tables_compared: number;
  /** Of those, the tables past the drill's read limits, compared by row count only. */
  tables_count_only: number;
  /** Tables whose row count or content differs after the downs (each named in `details`). */
  tables_differing: number;
  /** Tables the server would not let the drill read, before or after the downs (named in `details`). */
  tables_unreadable: number;
  /** Rows read and hashed, before the migrations and after the downs together. */
  rows_read: number;
  /** Why the data was not compared, when it was not; the catalog is compared all the same. */
  not_compared?: string;
}

/** GO or NO-GO, every reason and a risk level (SPEC §9 `decision`). */
export interface Decision {
  verdict: "GO" | "NO-GO";
  /** Every reason for NO-GO first, then what a reviewer should still know about a GO. */
  reasons: string[];
  risk: "low" | "medium" | "high";
}

/** Lint findings of the rehearsed migrations, as the report lists them. */
export interface ReportLintFinding {
  rule: string;
  severity: "error" | "warning" | "info";
  file: string;
  line: number;
  column: number;
  message: string;
  suppressed: boolean;
}

/** One stage of the run and how long it took (for the timeline and the benchmark breakdown). */
export interface ReportStage {
  name: string;
  duration_ms: number;
}

/** `report.json` of an evidence package (SPEC §9): contract keys first, extensions after. */
export interface Report {
  tool: { name: "drydock"; version: string };
  kind: ReportKind;
  env: string;
  target: { engine: string; server_version: string; url_redacted: string };
  plan: { hash: string; migrations: PlannedMigration[]; findings: PlanFinding[]; groups: string[][] };
  steps: ReportStep[];
  checks: CheckResult[];
  rollback: RollbackDrill;
  stats: { before: ReportStats; after: ReportStats };
  decision: Decision;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** Extensions: the lint findings, the stage timings, and how the sandbox was built. */
  lint: ReportLintFinding[];
  stages: ReportStage[];
  sandbox: { kind: string; description: string; baseline: string[]; kept: boolean };
}
