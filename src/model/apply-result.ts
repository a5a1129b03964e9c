import type { MigrationFailure } from "../execute/migration-failure.js";
import type { AppliedStep } from "../execute/run-migrations.js";
import type { CheckResult } from "./check.js";

export interface SkippedMigration {
  version: string;
  name: string;
  reason: string;
}

/** The backup taken before applying (SPEC §7 Apply step 3), or why there is none. */
export interface BackupRecord {
  status: "done" | "skipped" | "failed";
  file: string | null;
  size_bytes: number | null;
  /** Tables `pg_restore --list` read back from the file. */
  tables: number | null;
  /** `--verify-restore`: row-count differences between the restored copy and the database (empty = equal). */
  restore_mismatches: string[] | null;
  summary: string;
}

/** What happened after a failed verification (SPEC §7 Apply step 6). */
export interface ApplyRollback {
  status: "not-needed" | "rolled-back" | "impossible" | "failed" | "stopped";
  details: string[];
  /** After rolling back: the catalog equals the one before the apply. */
  restored: boolean | null;
  /** The checks run again after rolling back. */
  checks: CheckResult[];
}

/** SPEC §4 `apply --json`, with the production safeguards around it. */
export interface ApplyResult {
  target: { engine: string; server_version: string; url_redacted: string };
  env: string;
  run_id: number | null;
  plan_hash: string;
  applied: AppliedStep[];
  skipped: SkippedMigration[];
  failed: MigrationFailure | null;
  /** Why nothing was applied: failed pre-flight items, closed gates, a required backup that failed. */
  blocked: string[] | null;
  /**
   * What blocked it is the environment's (SPEC §4 exit 3): a pre-flight check of the connection,
   * the server's extensions or the user's privileges failed, or a required backup could not be
   * taken (pg_dump missing, too old, or failing). False when a gate or another check said no (exit 1).
   */
  blocked_by_environment: boolean;
  preflight: CheckResult[];
  gates: CheckResult[];
  backup: BackupRecord | null;
  /** The verification suite after applying (empty when not run). */
  checks: CheckResult[];
  rollback: ApplyRollback;
  warnings: string[];
  evidence_dir: string | null;
  duration_ms: number;
}
