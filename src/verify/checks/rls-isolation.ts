import type { Config } from "../../config/schema.js";
import type { Engine } from "../../db/engine.js";
import { ServerError } from "../../db/server-error.js";
import type { TableSnapshot } from "../../model/snapshot.js";
import { plural } from "../../util/plural.js";
import { quoteIdent } from "../../util/quote-ident.js";
import type { Check, VerifyContext } from "../check.js";
import { inRolledBackTransaction } from "../in-rolled-back-transaction.js";
import { limitDetails } from "../limit-details.js";
import { relationSql } from "../relation-sql.js";
import { rlsScopeOf } from "../rls-scope.js";
import { parseTablePattern, tableLabel } from "../table-pattern.js";
import { noWrites, probeWrites, type ReadTable, type WriteCounts } from "./rls-isolation-writes.js";

const id = "rls.isolation";

type Probe = Config["checks"]["isolation"][number];

/** What one probe saw. */
interface ProbeResult {
  name: string;
  tables: number;
  own_rows: number;
  other_rows: number;
  writes: WriteCounts;
  passed: boolean;
}

/** Where a probe's findings go: problems fail; unproven tables fail in a rehearsal and warn live; untested writes warn. */
interface ProbeFindings {
  problems: string[];
  unproven: string[];
  untested: string[];
}

const serverMessage = (error: ServerError) => `${error.message} (${error.codeLabel})`;

/**
 * The tables a probe reads: those its `tables` patterns name (`schema.table`, `schema.*`), else
 * every table of the RLS schemas, keeping those with the tenant column. A table named
 * explicitly that is missing or lacks the column is a problem, not a silent skip.
 */
function tablesOf(context: VerifyContext, probe: Probe): { tables: TableSnapshot[]; problems: string[] } {
  const patterns = probe.tables.length > 0 ? probe.tables : rlsScopeOf(context).schemas.map((schema) => `${schema}.*`);
  const read = new Set(context.after.source.schemas);
  const tables = new Map<string, TableSnapshot>();
  const problems: string[] = [];
  const hasColumn = (table: TableSnapshot) => table.columns.some((column) => column.name === probe.tenant_column);
  for (const pattern of patterns) {
    const { schema, name } = parseTablePattern(pattern);
    if (!read.has(schema)) {
      problems.push(`${pattern}: schema ${schema} is not in project.schemas, so its tables were not read`);
      continue;
    }
    const named = context.after.tables.filter((table) => table.schema === schema && (name === null || table.name === name));
    if (name !== null && named.length === 0) problems.push(`${pattern}: no such table`);
    for (const table of named) {
      if (name === null && (table.kind === "foreign table" || !hasColumn(table))) continue;
      if (hasColumn(table)) tables.set(tableLabel(table), table);
      else problems.push(`${pattern}: has no column ${probe.tenant_column}`);
    }
  }
  if (patterns.length === 0) problems.push("no table to probe: list them in tables, or set checks.rls.schemas");
  else if (tables.size === 0)
    problems.push(`no table with column ${probe.tenant_column} in ${patterns.join(", ")}: the probe proves nothing`);
  return { tables: [...tables.values()], problems };
}

/**
 * Runs one probe as its role, with its settings, in a transaction that is rolled back: the
 * reads, then (when `runsWrites`) the write probes on the tables it could read. On a live
 * database the transaction is READ ONLY, so the server itself refuses any write.
 */
async function runProbe(
  engine: Engine,
  probe: Probe,
  tables: readonly TableSnapshot[],
  findings: ProbeFindings,
  runsWrites: boolean,
): Promise<ProbeResult> {
  const result = { name: probe.name, tables: tables.length, own_rows: 0, other_rows: 0, writes: noWrites() };
  const column = quoteIdent(probe.tenant_column);
  const { problems, unproven } = findings;
  const readable: ReadTable[] = [];
  const body = async () => {
    const [session] = await engine.query<{ role: string }>("SELECT current_user AS role");
    try {
      await engine.exec(`SET LOCAL ROLE ${quoteIdent(probe.role)}`);
      for (const [name, value] of Object.entries(probe.settings)) {
        await engine.query("SELECT pg_catalog.set_config($1, $2, true)", [name, value]);
      }
    } catch (error) {
      if (!(error instanceof ServerError)) throw error;
      problems.push(`cannot act as role ${probe.role}: ${serverMessage(error)}`);
      return;
    }
    for (const table of tables) {
      // A savepoint per table: a permission error on one must not hide what the others show.
      await engine.exec("SAVEPOINT drydock_probe");
      try {
        const [counts] = await engine.query<{ own: number; others: number }>(
          `SELECT pg_catalog.count(*) FILTER (WHERE ${column}::text = $1)::float8 AS own,
             pg_catalog.count(*) FILTER (WHERE ${column}::text IS DISTINCT FROM $1)::float8 AS others
           FROM ${relationSql(table)}`,
          [probe.tenant_value],
        );
        const own = Number(counts?.own ?? 0);
        const others = Number(counts?.others ?? 0);
        result.own_rows += own;
        result.other_rows += others;
        if (others > 0) problems.push(`${tableLabel(table)}: sees ${plural(others, "row")} of other tenants`);
        if (own === 0) {
          unproven.push(
            `${tableLabel(table)}: sees no row with ${probe.tenant_column} = ${probe.tenant_value}, so it proves nothing (seed rows for this tenant)`,
          );
        }
        await engine.exec("RELEASE SAVEPOINT drydock_probe");
        readable.push({ table, ownRows: own });
      } catch (error) {
        if (!(error instanceof ServerError)) throw error;
        await engine.exec("ROLLBACK TO SAVEPOINT drydock_probe");
        problems.push(`${tableLabel(table)}: ${serverMessage(error)}`);
      }
    }
    if (runsWrites && session) {
      const writes = await probeWrites(engine, probe, readable, session.role);
      result.writes = writes.counts;
      problems.push(...writes.leaks);
      findings.untested.push(...writes.untested);
    }
  };
  await inRolledBackTransaction(engine, body, { readOnly: !runsWrites });
  return { ...result, passed: problems.length === 0 };
}

/**
 * Each `[[checks.isolation]]` probe acts as a tenant would: inside a transaction that is always
 * rolled back (which also resets the role and the settings, even after an error) it runs
 * `SET LOCAL ROLE <role>` and `set_config(name, value, true)` for each of its settings, then
 * counts, in every table it covers that has the tenant column, the rows whose
 * `tenant_column::text` equals `tenant_value` (own) and the others. It passes only when every
 * table shows no other tenant's row and at least one own row: a table where the probe sees
 * nothing proves nothing. A table named in `tables` that is missing or lacks the column, a
 * role that cannot be taken, and a permission error fail too. Tables matched by `schema.*`
 * without the column are left out. Skipped when no probe is configured.
 *
 * In a rehearsal the probe then tries to write other tenants' rows (`probeWrites`): a write
 * that gets through fails the check, one that cannot be tested warns. On a live database
 * (`purpose: "live"`) no write is tried, and the transaction is READ ONLY.
 * https://www.postgresql.org/docs/current/ddl-rowsecurity.html
 */
export const rlsIsolation: Check = {
  id,
  description: "each isolation probe sees its own rows and no other tenant's (and, in a rehearsal, cannot write theirs)",
  async run(context) {
    const probes = context.config.checks.isolation;
    if (probes.length === 0) {
      return { id, status: "skip", summary: "no isolation probe configured ([[checks.isolation]])", observed: { probes: [] }, details: [] };
    }
    // A rehearsal seeds its data, so a probe that sees nothing of its tenant proves nothing and
    // fails; on a live database the tenant may simply have no rows yet: that is a warning.
    const strict = context.purpose !== "live";
    // Even rolled back, a write on a live database takes row locks, fires triggers (which may
    // reach outside the transaction) and spends sequence values: write probes are for sandboxes.
    const runsWrites = context.purpose !== "live";
    const results: ProbeResult[] = [];
    const details: string[] = [];
    const notes: string[] = [];
    let unprovenNotes = 0;
    for (const probe of probes) {
      const { tables, problems } = tablesOf(context, probe);
      const findings: ProbeFindings = { problems, unproven: [], untested: [] };
      const result = await runProbe(context.engine, probe, tables, findings, runsWrites);
      results.push(result);
      const label = (line: string) => `probe "${probe.name}": ${line}`;
      if (strict && findings.unproven.length > 0) result.passed = false;
      details.push(...[...problems, ...(strict ? findings.unproven : []), ...findings.untested].map(label));
      if (!strict) unprovenNotes += findings.unproven.length;
      notes.push(...[...(strict ? [] : findings.unproven), ...findings.untested].map(label));
    }
    const failed = results.filter((result) => !result.passed);
    const tables = results.reduce((sum, result) => sum + result.tables, 0);
    const writes = results.reduce(
      (sum, result) => ({
        ran: sum.ran + result.writes.ran,
        refused: sum.refused + result.writes.refused,
        leaked: sum.leaked + result.writes.leaked,
        untested: sum.untested + result.writes.untested,
      }),
      noWrites(),
    );
    const observed = {
      probes: results,
      writes: { ...writes, skipped: runsWrites ? null : "live database: write probes run only in rehearsals" },
    };
    const scope = `${plural(results.length, "probe")} over ${plural(tables, "table")}`;
    const liveNote = runsWrites ? "" : "; write probes not run on a live database";
    if (failed.length === 0 && notes.length > 0) {
      const reasons = [
        ...(unprovenNotes > 0 ? [`${plural(unprovenNotes, "table")} had no row of the probe's tenant to prove it`] : []),
        ...(writes.untested > 0 ? [`${writes.untested} of ${plural(writes.ran, "write probe")} could not be tested`] : []),
      ];
      const summary = `${scope}: no other tenant's row seen${runsWrites ? " or written" : ""}, but ${reasons.join(" and ")}${liveNote}`;
      return { id, status: "warn", summary, observed, details: limitDetails(notes) };
    }
    if (failed.length === 0) {
      const writeNote = runsWrites ? `; ${writes.refused} of ${plural(writes.ran, "write probe")} refused` : liveNote;
      const summary = `${scope}: each sees its own rows and no other tenant's${writeNote}`;
      return { id, status: "pass", summary, observed, details: [] };
    }
    const leaked = failed.reduce((sum, result) => sum + result.other_rows, 0);
    const written = writes.leaked > 0 ? `, ${writes.leaked} of ${plural(writes.ran, "write probe")} leaked` : "";
    const summary = `${failed.length} of ${plural(results.length, "probe")} failed (${plural(leaked, "row")} of other tenants seen${written})`;
    return { id, status: "fail", summary, observed, details: limitDetails(details) };
  },
};
