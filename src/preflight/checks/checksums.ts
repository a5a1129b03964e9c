import type { CheckResult } from "../../model/check.js";
import { compareHistory } from "../../plan/compare-history.js";
import { plural } from "../../util/plural.js";
import { limitDetails } from "../../verify/limit-details.js";
import type { PreflightCheck } from "../preflight-check.js";

const id = "preflight.checksums";

const short = (checksum: string | undefined) => `${(checksum ?? "").slice(0, 12)}…`;

/**
 * Every migration recorded in `drydock.migrations` still has its file, with the checksum
 * recorded when it was applied (`compareHistory`). An edited applied migration means the
 * database and the repository disagree about what ran: the apply is blocked until the file is
 * restored or the edit is accepted. A file that is gone is reported too: nobody could rebuild
 * this database from the repository. A repeatable migration whose checksum changed is pending
 * again, not edited history.
 */
export const checksums: PreflightCheck = {
  id,
  description: "every applied migration still has its file, unchanged",
  async run({ migrations, history }): Promise<CheckResult> {
    const statuses = compareHistory(migrations, history);
    const changed = statuses.filter((status) => status.state === "changed");
    const missing = statuses.filter((status) => status.state === "missing");
    const observed = { applied: history.length, changed: changed.length, missing: missing.length };
    const label = (status: { version: string; name: string }) => `${status.version}${status.name ? ` ${status.name}` : ""}`;
    const details = [
      ...changed.map(
        (status) =>
          `${label(status)}: ${status.file} changed after it was applied (recorded ${short(status.recorded_checksum)}, file ${short(status.checksum)}): restore the applied file and put the change in a new migration, or, if the edit changes nothing that ran, drydock repair --accept-checksum ${status.version}`,
      ),
      ...missing.map(
        (status) =>
          `${label(status)}: applied ${status.applied_at}, but ${status.file ?? "its file"} is gone: restore it, or forget it with drydock repair --mark-pending ${status.version}`,
      ),
    ];
    if (details.length === 0) {
      return { id, status: "pass", summary: `${plural(history.length, "applied migration")}, all matching their files`, observed, details };
    }
    const summary = `${details.length} of ${plural(history.length, "applied migration")} differ from the repository: ${changed.length} changed, ${missing.length} missing`;
    return { id, status: "fail", summary, observed, details: limitDetails(details) };
  },
};
