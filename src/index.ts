/**
 * drydock's library API (SPEC §10). The CLI is a thin shell over these functions; each returns
 * the same objects that `--json` prints.
 */

export { type AdoptOptions, type AdoptResult, type AdoptTool, adopt, adoptTools } from "./api/adopt.js";
export {
  type ApplyEvent,
  type ApplyOptions,
  type ApplyResult,
  type ApplyRollback,
  apply,
  type BackupRecord,
  type SkippedMigration,
} from "./api/apply.js";
export { type ApproveOptions, type ApproveResult, approve } from "./api/approve.js";
export { type DiffOptions, type DiffResult, diff } from "./api/diff.js";
export { type DriftOptions, type DriftResult, drift } from "./api/drift.js";
export { type HistoryOptions, type HistoryResult, history } from "./api/history.js";
export { type InitResult, initProject } from "./api/init-project.js";
export { type LintOptions, type LintResult, lint } from "./api/lint.js";
export { type LoadProjectOptions, loadProject } from "./api/load-project.js";
export { type NewMigrationResult, newMigration } from "./api/new-migration.js";
export { type PlanJson, type PlanOptions, type PlanResult, plan, planJson } from "./api/plan.js";
export { type RehearseEvent, type RehearseOptions, type RehearseResult, rehearse } from "./api/rehearse.js";
export { type RepairEdit, type RepairOptions, type RepairResult, repair } from "./api/repair.js";
export { renderReport } from "./api/report.js";
export { type RollbackOptions, type RollbackResult, rollback } from "./api/rollback.js";
export { type RollbackFromBackupOptions, type RollbackFromBackupResult, rollbackFromBackup } from "./api/rollback-from-backup.js";
export { type SnapshotOptions, snapshot } from "./api/snapshot.js";
export { type StatusOptions, type StatusResult, status } from "./api/status.js";
export { type TypesOptions, type TypesResult, types } from "./api/types.js";
export { type VerifyOptions, type VerifyResult, verify } from "./api/verify.js";
export { parseConfig } from "./config/load-config.js";
export type { Config, EnvConfig } from "./config/schema.js";
export type { Engine, EngineCapabilities, Notice, ServerVersion } from "./db/engine.js";
export { openEngine } from "./db/open-engine.js";
export { parseTargetUrl, type Target } from "./db/target-url.js";
export { type DiscoverOptions, type Discovery, discoverMigrations } from "./discover/discover-migrations.js";
export { ChecksumMismatchError, DrydockError, EnvironmentError, InputError, type SourceLocation } from "./errors/drydock-error.js";
export { ExitCode } from "./errors/exit-code.js";
export type { MigrationFailure } from "./execute/migration-failure.js";
export type { LockMode, ObjectKind, ObjectRef, RelationLock, StatementFacts } from "./model/analysis.js";
export type { CheckResult, CheckStatus } from "./model/check.js";
export type { LintFinding, Severity } from "./model/lint.js";
export type { Migration, MigrationFormat, MigrationScript } from "./model/migration.js";
export type { Plan, PlanFinding, PlannedMigration } from "./model/plan.js";
export type { Project } from "./model/project.js";
export type { Decision, Report, ReportKind, ReportStats, ReportStep, RollbackDrill } from "./model/report.js";
export type { Snapshot, SnapshotDifference } from "./model/snapshot.js";
export type { MigrationState, MigrationStatus } from "./plan/compare-history.js";
export { renderReportHtml } from "./report/render-report-html.js";
export { renderReportMarkdown } from "./report/render-report-markdown.js";
export { compareSnapshots, snapshotsEqual } from "./snapshot/compare-snapshots.js";
export { takeSnapshot } from "./snapshot/take-snapshot.js";
export { redactUrl } from "./util/redact-url.js";
