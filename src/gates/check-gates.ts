import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { EnvConfig } from "../config/schema.js";
import { findApprovals, findLatestApproval } from "../db/approvals.js";
import type { Engine } from "../db/engine.js";
import { InputError } from "../errors/drydock-error.js";
import type { CheckResult } from "../model/check.js";
import { describeWindow, evaluateWindow, formatWait, type MaintenanceWindow, parseWindow } from "./maintenance-window.js";

export { parseWindow } from "./maintenance-window.js";

/** What the gates of one environment look at (SPEC §7 Apply step 2). */
export interface CheckGatesInput {
  /** The environment being applied to, e.g. "production". */
  envName: string;
  env: EnvConfig;
  /** The hash of the plan about to be applied (SPEC §5). */
  planHash: string;
  /** The folder of evidence packages, `<project>/.drydock/evidence`. */
  evidenceRoot: string;
  /** The target database, where `drydock approve` recorded its approvals. */
  engine: Engine;
  /** The time the gates are judged at (passed in: tests choose it). */
  now: Date;
  /** Apply outside the window anyway, for this reason (kept in the result and the run record). */
  overrideWindow?: string;
  /** drydock.toml as shown in messages; default "drydock.toml". */
  configFile?: string;
}

/**
 * Judges the gates an environment configures (SPEC §8): `gate.require_rehearsal`,
 * `gate.require_approval` and `gate.window`, one result each, `skip` when not configured. A
 * `fail` blocks the apply; an overridden window is a `warn` carrying the reason. Reads the
 * evidence folder and `drydock.approvals`; changes nothing. A malformed window is an
 * InputError, thrown before anything is read.
 */
export async function checkGates(input: CheckGatesInput): Promise<CheckResult[]> {
  const window = input.env.window === undefined ? null : parseWindow(input.env.window, keyOf(input, "window"), input.configFile);
  if (input.overrideWindow !== undefined && input.overrideWindow.trim() === "") {
    throw new InputError("overriding the maintenance window needs a reason", {
      hint: 'Say why, e.g. --override-window "hotfix for incident 4711": the reason is kept in the run record.',
    });
  }
  return [await checkRehearsal(input), await checkApproval(input), checkWindow(input, window)];
}

/** A report.json, as far as the rehearsal gate reads it. */
interface EvidenceSummary {
  folder: string;
  kind: string;
  env: string;
  planHash: string;
  verdict: string;
  reasons: string[];
  finishedAt: string;
}

async function checkRehearsal(input: CheckGatesInput): Promise<CheckResult> {
  const id = "gate.require_rehearsal";
  const required = input.env.require_rehearsal;
  if (required === undefined) return skipped(id, `${keyOf(input, "require_rehearsal")} is not set`);
  const short = shortHash(input.planHash);
  const command = `drydock rehearse --env ${required}`;
  const { packages, broken } = await readEvidence(input.evidenceRoot);
  const ofEnv = packages.filter((entry) => entry.env === required && (entry.kind === "rehearsal" || entry.kind === "apply"));
  const forPlan = ofEnv.filter((entry) => entry.planHash === input.planHash);
  // The newest evidence for this plan decides: a NO-GO after an earlier GO means something changed
  // (staging data, a flaky budget) and has to be looked at, not skipped over.
  const decisive = forPlan[0] ?? null;
  const observed = {
    required_env: required,
    plan_hash: input.planHash,
    evidence_root: input.evidenceRoot,
    packages: packages.length + broken.length,
    broken: broken.length,
    of_env: ofEnv.length,
    for_plan: forPlan.length,
    evidence: decisive?.folder ?? null,
  };
  const details = broken.map((problem) => `skipped ${problem}`);
  if (decisive?.verdict === "GO") {
    const summary = `plan ${short}… passed ${describeKind(decisive)} ${required} (GO, ${decisive.folder})`;
    return { id, status: "pass", summary, observed, details };
  }
  let found: string;
  if (decisive) {
    const why = decisive.reasons[0] ? `: ${decisive.reasons[0]}` : "";
    found = `the newest ${describeKind(decisive)} ${required} for this plan is ${decisive.verdict}${why} (${decisive.folder})`;
  } else if (ofEnv[0]) {
    const newest = ofEnv[0];
    found = `the newest ${describeKind(newest)} ${required} is for plan ${shortHash(newest.planHash)}… (${newest.verdict}, ${newest.folder}): the migrations or the target changed since`;
  } else {
    found = `no rehearsal of ${required} found among ${observed.packages} evidence package${observed.packages === 1 ? "" : "s"}`;
  }
  const summary = `plan ${short}… needs a GO rehearsal on ${required}; ${found}. Run ${command}`;
  return { id, status: "fail", summary, observed, details: [...(decisive ? decisive.reasons : []), ...details] };
}

async function checkApproval(input: CheckGatesInput): Promise<CheckResult> {
  const id = "gate.require_approval";
  if (!input.env.require_approval) return skipped(id, `${keyOf(input, "require_approval")} is not set`);
  const approvals = await findApprovals(input.engine, input.planHash, input.envName);
  const short = shortHash(input.planHash);
  const observed = { plan_hash: input.planHash, env: input.envName, approvals: approvals.length };
  const details = approvals.map(
    (entry) =>
      `approved by ${entry.approved_by} at ${entry.approved_at}${entry.note ? `: ${entry.note}` : ""} (${entry.os_user ?? "?"}@${entry.host ?? "?"})`,
  );
  const newest = approvals[0];
  if (newest) {
    const summary = `plan ${short}… was approved for ${input.envName} by ${newest.approved_by} at ${newest.approved_at}`;
    return { id, status: "pass", summary, observed: { ...observed, approved_by: approvals.map((entry) => entry.approved_by) }, details };
  }
  const other = await findLatestApproval(input.engine, input.envName);
  const instead = other
    ? `; the newest approval for ${input.envName} is for plan ${shortHash(other.plan_hash)}… (by ${other.approved_by}), and a changed plan needs its own`
    : "";
  const summary =
    `plan ${short}… has no approval for ${input.envName}${instead}. ` +
    `Run drydock approve --plan ${input.planHash} --env ${input.envName} --by <name>`;
  return { id, status: "fail", summary, observed: { ...observed, latest_approved_plan: other?.plan_hash ?? null }, details };
}

function checkWindow(input: CheckGatesInput, window: MaintenanceWindow | null): CheckResult {
  const id = "gate.window";
  if (!window) return skipped(id, `${keyOf(input, "window")} is not set`);
  const state = evaluateWindow(window, input.now);
  const hours = describeWindow(window);
  const observed = {
    window: window.text,
    now: input.now.toISOString(),
    local_time: state.localTime,
    is_open: state.isOpen,
    next_open: state.nextOpen?.toISOString() ?? null,
    closes_at: state.closesAt?.toISOString() ?? null,
    override: input.overrideWindow ?? null,
  };
  if (state.isOpen && state.closesAt) {
    const summary = `inside the maintenance window ${hours} (now ${state.localTime}; it closes in ${formatWait(input.now, state.closesAt)})`;
    return { id, status: "pass", summary, observed, details: [] };
  }
  const nextOpen = state.nextOpen ?? input.now;
  const outside = `outside the maintenance window ${hours} of ${input.envName} (now ${state.localTime} ${window.zone})`;
  const opens = `it next opens at ${nextOpen.toISOString()} (in ${formatWait(input.now, nextOpen)})`;
  if (input.overrideWindow !== undefined) {
    return { id, status: "warn", summary: `${outside}; overridden: ${input.overrideWindow}`, observed, details: [opens] };
  }
  const summary = `${outside}; ${opens}. Apply then, or override with a reason: --override-window "<reason>"`;
  return { id, status: "fail", summary, observed, details: [] };
}

/** Reads every `<evidenceRoot>/<folder>/report.json`, newest first; unreadable ones are listed, not thrown. */
async function readEvidence(evidenceRoot: string): Promise<{ packages: EvidenceSummary[]; broken: string[] }> {
  let folders: string[];
  try {
    const entries = await readdir(evidenceRoot, { withFileTypes: true });
    folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return { packages: [], broken: [] }; // no evidence folder yet: no rehearsal ever ran here
  }
  const broken: string[] = [];
  const read = await Promise.all(
    folders.map(async (folder) => {
      const file = join(evidenceRoot, folder, "report.json");
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch {
        broken.push(`${folder}: no readable report.json`);
        return null;
      }
      const summary = summarizeReport(folder, text);
      if (typeof summary === "string") broken.push(`${folder}/report.json: ${summary}`);
      return typeof summary === "string" ? null : summary;
    }),
  );
  const packages = read.filter((entry): entry is EvidenceSummary => entry !== null);
  // Folder names start with the UTC start time, so they break ties between equal finish times.
  packages.sort((a, b) => timeOf(b.finishedAt) - timeOf(a.finishedAt) || b.folder.localeCompare(a.folder));
  return { packages, broken: broken.sort() };
}

/** The fields the gate needs, or what is wrong with the file. */
function summarizeReport(folder: string, text: string): EvidenceSummary | string {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    return "not valid JSON";
  }
  if (!isRecord(report)) return "not a JSON object";
  const plan = isRecord(report.plan) ? report.plan : {};
  const decision = isRecord(report.decision) ? report.decision : {};
  const { kind, env, finished_at: finishedAt } = report;
  const { hash } = plan;
  const { verdict, reasons } = decision;
  if (typeof kind !== "string" || typeof env !== "string") return "no kind or env";
  if (typeof hash !== "string") return "no plan.hash";
  if (verdict !== "GO" && verdict !== "NO-GO") return "no decision.verdict";
  return {
    folder,
    kind,
    env,
    planHash: hash,
    verdict,
    reasons: Array.isArray(reasons) ? reasons.filter((reason): reason is string => typeof reason === "string") : [],
    finishedAt: typeof finishedAt === "string" ? finishedAt : "",
  };
}

function describeKind(entry: EvidenceSummary): string {
  return entry.kind === "apply" ? "apply to" : "rehearsal of";
}

function skipped(id: string, reason: string): CheckResult {
  return { id, status: "skip", summary: reason, observed: {}, details: [] };
}

function keyOf(input: CheckGatesInput, key: string): string {
  return `env.${input.envName}.${key}`;
}

function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

function timeOf(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
