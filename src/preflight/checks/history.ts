import type { Engine } from "../../db/engine.js";
import type { CheckResult } from "../../model/check.js";
import { compareHistory } from "../../plan/compare-history.js";
import { plural } from "../../util/plural.js";
import { limitDetails } from "../../verify/limit-details.js";
import type { PreflightCheck } from "../preflight-check.js";

const id = "preflight.history";

/** The key of drydock's apply lock (`src/db/advisory-lock.ts`): 'dryd' and 1, a two-key lock (`objsubid` 2). */
const applyLockKey = { classid: 0x64727964, objid: 1 } as const;

interface RunRow {
  id: string;
  started_at: Date | string;
  command: string;
  env: string | null;
  host: string | null;
  os_user: string | null;
  pid: number | null;
}

interface HolderRow {
  pid: number;
  application_name: string;
  client_addr: string | null;
  backend_start: Date | string | null;
}

const label = (status: { version: string; name: string }) => `${status.version}${status.name ? ` ${status.name}` : ""}`;
const iso = (value: Date | string | null) => (value instanceof Date ? value.toISOString() : (value ?? "?"));

/** Runs `drydock.runs` says are still running; none before the first apply. */
async function readRunningRuns(engine: Engine): Promise<RunRow[]> {
  const [exists] = await engine.query<{ present: boolean }>("SELECT to_regclass('drydock.runs') IS NOT NULL AS present");
  if (!exists?.present) return [];
  return engine.query<RunRow>(
    "SELECT id::text AS id, started_at, command, env, host, os_user, pid FROM drydock.runs WHERE outcome = 'running' ORDER BY id",
  );
}

/**
 * The history lets this apply go ahead: no migration left behind an applied one
 * (`out-of-order`) is skipped while later ones run, and no other drydock apply is running on
 * this database. An out-of-order migration the caller put among `pending` was allowed
 * (`apply` refuses it earlier without `--allow-out-of-order`): a `warn` that it runs out of
 * order. Another apply is running when another session holds drydock's advisory lock (read from
 * `pg_locks`, which PostgreSQL releases when the session ends, so a holder is alive). A run
 * still marked `running` in `drydock.runs` without a live holder was left by a killed process:
 * a `warn`, since the next apply marks it `interrupted`.
 */
export const history: PreflightCheck = {
  id,
  description: "no out-of-order migration left behind, and no other apply running",
  async run({ engine, migrations, pending, history: applied }): Promise<CheckResult> {
    const statuses = compareHistory(migrations, applied);
    const outOfOrder = statuses.filter((status) => status.state === "out-of-order");
    const toRun = new Set(pending.map((migration) => migration.version));
    const skipped = outOfOrder.filter((status) => !toRun.has(status.version));
    const allowed = outOfOrder.filter((status) => toRun.has(status.version));
    const lastApplied = [...statuses].reverse().find((status) => status.state === "applied" || status.state === "changed");
    const running = await readRunningRuns(engine);
    const holders = await engine.query<HolderRow>(
      `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start
         FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
          AND l.pid <> pg_catalog.pg_backend_pid()`,
      [applyLockKey.classid, applyLockKey.objid],
    );
    // apply names its session "drydock apply <host> pid <pid>", the host and pid its run row records.
    const holderOf = (run: RunRow) => holders.find((holder) => holder.application_name === `drydock apply ${run.host} pid ${run.pid}`);
    const runLine = (run: RunRow) =>
      `run ${run.id} (${run.command}${run.env ? ` on ${run.env}` : ""}, started ${iso(run.started_at)} by ${run.os_user ?? "?"} on ${run.host ?? "?"}, process ${run.pid ?? "?"})`;
    const failures = [
      ...skipped.map(
        (status) =>
          `${label(status)}: not applied, but sorts before ${lastApplied?.version ?? "an applied migration"}, already applied: renumber it after the last applied migration, or apply it anyway with --allow-out-of-order`,
      ),
      ...holders.map((holder) => {
        const run = running.find((candidate) => holderOf(candidate) === holder);
        const who = `${holder.application_name || "a session"} (server pid ${holder.pid}${holder.client_addr ? `, from ${holder.client_addr}` : ""}, connected since ${iso(holder.backend_start)})`;
        return `another apply is running: ${who} holds drydock's apply lock${run ? `; ${runLine(run)}` : ""}`;
      }),
    ];
    const abandoned = running.filter((run) => !holderOf(run));
    const warnings = [
      ...allowed.map((status) => `${label(status)}: runs out of order, after ${lastApplied?.version ?? "a later migration"} (allowed)`),
      ...abandoned.map(
        (run) => `${runLine(run)} is still marked running, but no session holds the apply lock: the next apply marks it interrupted`,
      ),
    ];
    const observed = {
      applied: applied.length,
      pending: statuses.filter((status) => status.state === "pending").length,
      out_of_order: outOfOrder.length,
      running_runs: running.length,
      live_applies: holders.length,
    };
    const details = limitDetails([...failures, ...warnings]);
    if (failures.length > 0) {
      const parts = [
        ...(skipped.length > 0 ? [`${plural(skipped.length, "migration")} out of order and not run`] : []),
        ...(holders.length > 0 ? [`${plural(holders.length, "other apply", "other applies")} running`] : []),
      ];
      return { id, status: "fail", summary: parts.join("; "), observed, details };
    }
    if (warnings.length > 0) {
      const parts = [
        ...(allowed.length > 0 ? [`${plural(allowed.length, "migration")} out of order, run as allowed`] : []),
        ...(abandoned.length > 0 ? [`${plural(abandoned.length, "run")} left running by a process that is gone`] : []),
      ];
      return { id, status: "warn", summary: parts.join("; "), observed, details };
    }
    const summary = `${plural(applied.length, "applied migration")}, ${observed.pending} pending in order, no other apply running`;
    return { id, status: "pass", summary, observed, details };
  },
};
