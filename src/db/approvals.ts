import type { Engine } from "./engine.js";
import { ensureHistory } from "./history.js";

/** A row of `drydock.approvals`: someone said GO for one plan in one environment. */
export interface ApprovalRecord {
  id: number;
  /** The full plan hash (SPEC §5): another plan, even one migration edited, needs its own approval. */
  plan_hash: string;
  env: string;
  /** Who approved, as given with `--by`. */
  approved_by: string;
  note: string | null;
  approved_at: string;
  /** The operating-system user and host that ran `drydock approve`, beside the name it claimed. */
  os_user: string | null;
  host: string | null;
}

/** What `recordApproval` writes. */
export interface NewApproval {
  planHash: string;
  env: string;
  approvedBy: string;
  note?: string | null;
  osUser: string;
  host: string;
}

interface ApprovalRow extends Omit<ApprovalRecord, "id" | "approved_at"> {
  id: string | number;
  approved_at: Date | string;
}

const columns = "id, plan_hash, env, approved_by, note, approved_at, os_user, host";

/**
 * Records an approval in `drydock.approvals` and returns it. Creates the history schema first
 * when this database has none, or lacks the approvals table (history made by an older drydock).
 */
export async function recordApproval(engine: Engine, approval: NewApproval): Promise<ApprovalRecord> {
  await ensureHistory(engine);
  const [row] = await engine.query<ApprovalRow>(
    `INSERT INTO drydock.approvals (plan_hash, env, approved_by, note, os_user, host)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
    [approval.planHash, approval.env, approval.approvedBy, approval.note ?? null, approval.osUser, approval.host],
  );
  if (!row) throw new Error("INSERT … RETURNING into drydock.approvals returned no row");
  return toRecord(row);
}

/** The approvals of one plan in one environment, newest first; none when the database has no approvals table. */
export async function findApprovals(engine: Engine, planHash: string, env: string): Promise<ApprovalRecord[]> {
  if (!(await hasApprovalsTable(engine))) return [];
  const rows = await engine.query<ApprovalRow>(
    `SELECT ${columns} FROM drydock.approvals WHERE plan_hash = $1 AND env = $2 ORDER BY approved_at DESC, id DESC`,
    [planHash, env],
  );
  return rows.map(toRecord);
}

/** The newest approval in an environment, whatever its plan (to say what was approved instead). */
export async function findLatestApproval(engine: Engine, env: string): Promise<ApprovalRecord | null> {
  if (!(await hasApprovalsTable(engine))) return null;
  const [row] = await engine.query<ApprovalRow>(
    `SELECT ${columns} FROM drydock.approvals WHERE env = $1 ORDER BY approved_at DESC, id DESC LIMIT 1`,
    [env],
  );
  return row ? toRecord(row) : null;
}

async function hasApprovalsTable(engine: Engine): Promise<boolean> {
  const [row] = await engine.query<{ present: boolean }>("SELECT to_regclass('drydock.approvals') IS NOT NULL AS present");
  return row?.present === true;
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  return {
    ...row,
    id: Number(row.id),
    approved_at: row.approved_at instanceof Date ? row.approved_at.toISOString() : new Date(row.approved_at).toISOString(),
  };
}
