import type { Engine } from "../db/engine.js";
import { isHistoryComplete, readHistoryState } from "../db/history.js";

/** The session as the privilege checks name it. */
export interface SessionRole {
  user_name: string;
  database: string;
  can_create_in_database: boolean;
}

/**
 * What keeps the connected role from recording its run in drydock's history: creating what is
 * missing of it (`ensureHistory`: CREATE on the database for the schema, CREATE on schema
 * `drydock` for a table, ownership of `drydock.runs` for a column), or writing rows to a
 * complete one (INSERT/UPDATE/DELETE on its tables, USAGE on the run id sequence; reading it,
 * the plan needed already). One line per problem, with the grant that solves it; none when the
 * role may.
 */
export async function historyPrivilegeProblems(engine: Engine, who: SessionRole): Promise<string[]> {
  const state = await readHistoryState(engine);
  const user = who.user_name;
  if (!state.schema) {
    if (who.can_create_in_database) return [];
    return [
      `no CREATE on database ${who.database}, needed to create drydock's history (schema drydock): ` +
        `GRANT CREATE ON DATABASE ${who.database} TO ${user}, or CREATE SCHEMA drydock AUTHORIZATION ${user}`,
    ];
  }
  // Reading it (USAGE, SELECT) was checked before: the plan reads the history (readHistory).
  const [row] = await engine.query<{
    create: boolean;
    owns_runs: boolean;
    writes_runs: boolean;
    writes_migrations: boolean;
    uses_sequence: boolean;
  }>(
    `SELECT has_schema_privilege('drydock', 'CREATE') AS create,
            coalesce((SELECT pg_has_role(relowner, 'USAGE') FROM pg_catalog.pg_class WHERE oid = to_regclass('drydock.runs')), false) AS owns_runs,
            to_regclass('drydock.runs') IS NULL OR has_table_privilege('drydock.runs', 'INSERT, UPDATE') AS writes_runs,
            to_regclass('drydock.migrations') IS NULL OR has_table_privilege('drydock.migrations', 'INSERT, UPDATE, DELETE') AS writes_migrations,
            to_regclass('drydock.runs_id_seq') IS NULL OR has_sequence_privilege('drydock.runs_id_seq', 'USAGE') AS uses_sequence`,
  );
  if (!row) return [];
  const owner = state.owner ?? "its owner";
  const problems: string[] = [];
  if (!isHistoryComplete(state)) {
    const missingTables = !state.runs || !state.migrations || !state.approvals;
    if (missingTables && !row.create)
      problems.push(`no CREATE on schema drydock, needed to create its missing tables: GRANT CREATE ON SCHEMA drydock TO ${user}`);
    if (state.runs && !state.actor && !row.owns_runs) {
      problems.push(`drydock.runs lacks its actor column, which only its owner may add: run drydock once as ${owner}`);
    }
  }
  if (!row.writes_runs) problems.push(`no INSERT or UPDATE on drydock.runs: GRANT INSERT, UPDATE ON drydock.runs TO ${user}`);
  if (!row.writes_migrations) {
    problems.push(`no INSERT, UPDATE or DELETE on drydock.migrations: GRANT INSERT, UPDATE, DELETE ON drydock.migrations TO ${user}`);
  }
  if (!row.uses_sequence) problems.push(`no USAGE on sequence drydock.runs_id_seq: GRANT USAGE ON SEQUENCE drydock.runs_id_seq TO ${user}`);
  return problems;
}
