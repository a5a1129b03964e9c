import type { CheckResult } from "../../model/check.js";
import type { PreflightCheck } from "../preflight-check.js";

const id = "preflight.connection";

/** SPEC §2: drydock supports PostgreSQL 13 and later (`server_version_num` 130000). */
export const minimumServerVersionNum = 130000;

interface SessionRow {
  user_name: string;
  database: string;
  is_superuser: boolean;
  server_version: string;
  server_version_num: string;
  in_recovery: boolean;
  read_only: boolean;
}

/**
 * The session works and can change this database: the server is PostgreSQL 13 or later, it is
 * not a standby (`pg_is_in_recovery()`: a replica refuses every write), and the session is not
 * read-only (`transaction_read_only`, set by `default_transaction_read_only` on the role or
 * the database, as some managed services do during maintenance). Records who we are connected
 * as: a superuser passes every privilege check, which a reviewer should know.
 */
export const connection: PreflightCheck = {
  id,
  description: "connected to a writable PostgreSQL 13+ primary",
  async run({ engine, urlRedacted }): Promise<CheckResult> {
    const [row] = await engine.query<SessionRow>(
      `SELECT current_user::text AS user_name, current_database()::text AS database,
              current_setting('is_superuser') = 'on' AS is_superuser,
              current_setting('server_version') AS server_version,
              current_setting('server_version_num') AS server_version_num,
              pg_is_in_recovery() AS in_recovery,
              current_setting('transaction_read_only') = 'on' AS read_only`,
    );
    if (!row) throw new Error("the session returned no row for SELECT current_user");
    const versionNum = Number(row.server_version_num);
    const observed = {
      engine: engine.kind,
      url: urlRedacted,
      server_version: row.server_version,
      server_version_num: versionNum,
      user: row.user_name,
      database: row.database,
      is_superuser: row.is_superuser,
      in_recovery: row.in_recovery,
      read_only: row.read_only,
    };
    const who = `${row.user_name}${row.is_superuser ? " (superuser)" : ""} on ${row.database}, PostgreSQL ${row.server_version}`;
    const problems = [
      ...(versionNum < minimumServerVersionNum
        ? [`PostgreSQL ${row.server_version} is not supported: drydock needs 13 or later (server_version_num ${versionNum})`]
        : []),
      ...(row.in_recovery ? ["the server is a standby (pg_is_in_recovery() is true): connect to the primary"] : []),
      ...(row.read_only
        ? ["the session is read-only (transaction_read_only = on): check default_transaction_read_only of the role and database"]
        : []),
    ];
    if (problems.length === 0) return { id, status: "pass", summary: `connected as ${who}`, observed, details: [] };
    return { id, status: "fail", summary: `cannot apply as ${who}: ${problems.join("; ")}`, observed, details: problems };
  },
};
