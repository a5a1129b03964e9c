import { hostname } from "node:os";
import { relative } from "node:path";
import { resolveTarget } from "../config/resolve-target.js";
import { type ApprovalRecord, recordApproval } from "../db/approvals.js";
import type { Engine } from "../db/engine.js";
import { finishRun, startRun, thisProcessRun } from "../db/history.js";
import { openEngine } from "../db/open-engine.js";
import { ServerError } from "../db/server-error.js";
import { EnvironmentError, InputError } from "../errors/drydock-error.js";
import type { Project } from "../model/project.js";
import { osUser } from "../util/os-user.js";

export interface ApproveOptions {
  /** The full plan hash (64 hex characters), as `plan --json` prints it under `hash`. */
  plan: string;
  /** The environment the approval is for; its URL is where the approval is recorded. */
  env: string;
  /** Who approves: a name the team recognises. Required: who said GO is the point of an approval. */
  by: string;
  note?: string;
  /** `--url`: record in this database instead of the environment's URL. */
  url?: string;
}

/** What `drydock approve` recorded (`approve --json`). */
export interface ApproveResult {
  target: { engine: string; url_redacted: string };
  approval: ApprovalRecord;
  /** The `drydock.runs` row that logs the approval. */
  run_id: number;
  warnings: string[];
}

/**
 * Records a GO approval for one plan in one environment (SPEC §4 `approve`): a row in
 * `drydock.approvals` of the environment's database, which the `require_approval` gate of a
 * later apply looks for, and a `drydock.runs` row (command "approve", outcome "approved") for
 * the audit history. Both commit together. The approval holds for that plan hash only: any
 * change to the pending migrations makes a new plan that needs a new approval.
 */
export async function approve(project: Project, options: ApproveOptions): Promise<ApproveResult> {
  const { planHash, approvedBy } = validateApproval(options);
  const { target, envName } = resolveTarget(project, { env: options.env, ...(options.url ? { url: options.url } : {}) });
  const warnings: string[] = [];
  if (!project.config.env[envName]?.require_approval) {
    const file = project.configFile ? relative(process.cwd(), project.configFile) || project.configFile : "drydock.toml";
    warnings.push(`env.${envName}.require_approval is not set in ${file}, so apply does not ask for this approval`);
  }
  const note = options.note?.trim() ? options.note.trim() : null;
  const engine = await openEngine(target, { applicationName: `drydock approve ${hostname()} pid ${process.pid}` });
  try {
    // One transaction: an approval is never recorded without its line in the audit history.
    await engine.exec("BEGIN");
    try {
      const approval = await recordApproval(engine, { planHash, env: envName, approvedBy, note, osUser: osUser(), host: hostname() });
      const runId = await startRun(engine, thisProcessRun("approve", envName, planHash, approvedBy));
      await finishRun(engine, runId, "approved", approval);
      await engine.exec("COMMIT");
      return { target: { engine: target.engine, url_redacted: target.urlRedacted }, approval, run_id: runId, warnings };
    } catch (error) {
      await engine.exec("ROLLBACK").catch(() => undefined);
      if (!(error instanceof ServerError)) throw error;
      throw new EnvironmentError(`cannot record the approval in ${target.urlRedacted}: ${error.message} (${error.sqlstate})`, {
        hint:
          error.sqlstate === "42501"
            ? "The role needs CREATE on the database the first time (schema drydock), then INSERT on drydock.approvals and drydock.runs."
            : "Check that the database accepts writes (not a read-only replica) and try again.",
        cause: error,
      });
    }
  } finally {
    await closeQuietly(engine);
  }
}

/** The flags an approval cannot do without, checked before anything connects. */
function validateApproval(options: ApproveOptions): { planHash: string; approvedBy: string } {
  const env = options.env.trim() || "<env>";
  if (options.env.trim() === "") {
    throw new InputError("drydock approve needs --env <name>: an approval is for one environment", {
      hint: "Name the environment of drydock.toml whose apply this approves, e.g. --env production.",
    });
  }
  const planHash = options.plan.trim().toLowerCase();
  if (planHash === "") {
    throw new InputError("drydock approve needs --plan <hash>", {
      hint: `The hash is printed by drydock plan --env ${env} --json (key "hash") and kept in report.json (plan.hash).`,
    });
  }
  if (!/^[0-9a-f]{64}$/.test(planHash)) {
    throw new InputError(`--plan "${options.plan}" is not a full plan hash`, {
      hint: `Pass all 64 hex characters: drydock plan --env ${env} --json prints it as "hash" (reports show only the first 12).`,
    });
  }
  const approvedBy = options.by.trim();
  if (approvedBy === "") {
    throw new InputError("drydock approve needs --by <name>: who approved is what the record is for", {
      hint: `Run drydock approve --plan ${planHash} --env ${env} --by "<your name>".`,
    });
  }
  return { planHash, approvedBy };
}

async function closeQuietly(engine: Engine): Promise<void> {
  await engine.close().catch(() => undefined);
}
