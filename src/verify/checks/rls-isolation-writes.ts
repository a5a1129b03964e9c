import type { Config } from "../../config/schema.js";
import type { Engine } from "../../db/engine.js";
import { ServerError } from "../../db/server-error.js";
import type { PolicySnapshot, TableSnapshot } from "../../model/snapshot.js";
import { plural } from "../../util/plural.js";
import { quoteIdent } from "../../util/quote-ident.js";
import { relationSql } from "../relation-sql.js";
import { tableLabel } from "../table-pattern.js";

type Probe = Config["checks"]["isolation"][number];

/** How the write probes of one isolation probe (or of all) ended. */
export interface WriteCounts {
  ran: number;
  /** PostgreSQL refused the write (SQLSTATE 42501), or it changed no other tenant's row. */
  refused: number;
  /** A row of another tenant was written: inserted, taken over, moved to, or deleted. */
  leaked: number;
  /** Nothing to test with (no row to copy, no other tenant), or another error got in the way. */
  untested: number;
}

/** Zero of each: the write probes of a probe that ran none. */
export function noWrites(): WriteCounts {
  return { ran: 0, refused: 0, leaked: 0, untested: 0 };
}

/** A table whose read probe succeeded, with how many rows of its tenant the probe saw. */
export interface ReadTable {
  table: TableSnapshot;
  ownRows: number;
}

/** What the write probes of one isolation probe found: leaks fail the check, untested ones warn. */
export interface WriteFindings {
  counts: WriteCounts;
  leaks: string[];
  untested: string[];
}

/** Rows by tenant as the verifying session counts them (it is not subject to the probe's policies). */
interface Census {
  own: number;
  others: number;
  /** The smallest tenant value other than the probe's: a real tenant, so foreign keys to it hold. */
  otherValue: string | null;
}

type Outcome = { kind: "refused" } | { kind: "leaked"; detail: string } | { kind: "untested"; detail: string };

// A live database never sees these probes; in a sandbox the limits only keep a large copy or a
// stuck lock from stalling the rehearsal. A write that hits one is reported as not tested.
const lockTimeout = "1s";
const statementTimeout = "5s";

const serverMessage = (error: ServerError) => `${error.message} (${error.codeLabel})`;

/**
 * Runs `body` under a savepoint that is rolled back whatever happens, so its writes and any
 * `SET LOCAL` it makes (the role included) are undone before the next probe.
 */
async function underSavepoint<T>(engine: Engine, body: () => Promise<T>): Promise<{ value: T } | { error: ServerError }> {
  await engine.exec("SAVEPOINT drydock_write");
  try {
    return { value: await body() };
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    return { error };
  } finally {
    await engine.exec("ROLLBACK TO SAVEPOINT drydock_write; RELEASE SAVEPOINT drydock_write");
  }
}

async function takeCensus(engine: Engine, table: TableSnapshot, probe: Probe): Promise<Census> {
  const column = quoteIdent(probe.tenant_column);
  const [row] = await engine.query<{ own: number; others: number; other_value: string | null }>(
    `SELECT pg_catalog.count(*) FILTER (WHERE ${column}::text = $1)::float8 AS own,
       pg_catalog.count(*) FILTER (WHERE ${column}::text IS DISTINCT FROM $1)::float8 AS others,
       pg_catalog.min(${column}::text) FILTER (WHERE ${column}::text <> $1) AS other_value
     FROM ${relationSql(table)}`,
    [probe.tenant_value],
  );
  return { own: Number(row?.own ?? 0), others: Number(row?.others ?? 0), otherValue: row?.other_value ?? null };
}

/** What an INSERT copies from one of the probe's own rows, and how to cast a value to the tenant column's type. */
interface InsertShape {
  copied: string[];
  /** `format_type()` as this session spells it, so the cast resolves on its search_path. */
  tenantType: string;
}

/**
 * Columns with a default, an identity or a generation expression take their default, so a
 * copied key does not collide; columns the role may not both read and insert are left to their
 * default too, as the application would have to, so a column privilege does not pass for a
 * refusal by the policy.
 */
async function readInsertShape(engine: Engine, table: TableSnapshot, probe: Probe): Promise<InsertShape> {
  const candidates = table.columns
    .filter(
      (column) => column.name !== probe.tenant_column && column.default === null && column.identity === null && column.generated === null,
    )
    .map((column) => column.name);
  const [row] = await engine.query<{ tenant_type: string | null; copied: string[] | null }>(
    `SELECT (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = $1::regclass AND a.attname = $2) AS tenant_type,
       (SELECT pg_catalog.array_agg(c.name ORDER BY c.place)
          FROM pg_catalog.unnest($3::text[]) WITH ORDINALITY AS c(name, place)
         WHERE pg_catalog.has_column_privilege($4::name, $1::regclass, c.name, 'INSERT')
           AND pg_catalog.has_column_privilege($4::name, $1::regclass, c.name, 'SELECT')) AS copied`,
    [relationSql(table), probe.tenant_column, candidates, probe.role],
  );
  return { copied: row?.copied ?? [], tenantType: row?.tenant_type ?? "text" };
}

/** The policies that could have let a write through: those for the command (or ALL) that name the role or PUBLIC. */
function policiesFor(table: TableSnapshot, probe: Probe, command: "insert" | "update" | "delete", clause: "using" | "with_check"): string {
  if (!table.rls.enabled) return "row-level security is off on the table";
  const named = table.policies.filter(
    (policy) =>
      (policy.command === "all" || policy.command === command) && (policy.roles.includes("public") || policy.roles.includes(probe.role)),
  );
  if (named.length === 0)
    return `no ${command.toUpperCase()} policy names ${probe.role}: it bypasses RLS or gets a policy through a role it belongs to`;
  const describe = (policy: PolicySnapshot) => {
    // A policy without WITH CHECK checks new rows with its USING expression.
    const checks = clause === "with_check" && policy.with_check !== null;
    return `policy ${policy.name} ${checks ? "WITH CHECK" : "USING"} ${(checks ? policy.with_check : policy.using) ?? "(none)"}`;
  };
  return named.map(describe).join("; ");
}

/** One write a tenant must not be able to make, and how to tell from the counts that it did. */
interface WriteProbe {
  what: string;
  /** Why it cannot be tried on this table, or null. */
  missing: string | null;
  sql: string;
  params: unknown[];
  /** Rows of other tenants it wrote, from the counts before and after. */
  written(before: Census, after: Census): number;
  leak(rows: number): string;
}

/**
 * The four write probes of one table. UPDATE and DELETE carry no WHERE clause on purpose: one
 * that reads a column makes PostgreSQL apply the SELECT policies too (to the old and the new
 * row), which would hide a too-wide UPDATE or DELETE policy that a client sending
 * `UPDATE t SET org_id = 2` without a filter can still use.
 */
function writeProbesOf(probe: Probe, read: ReadTable, before: Census, shape: InsertShape): WriteProbe[] {
  const { table } = read;
  const relation = relationSql(table);
  const column = quoteIdent(probe.tenant_column);
  const tenant = probe.tenant_column;
  const other = before.otherValue;
  const cast = (param: string) => `${param}::${shape.tenantType}`;
  const noOther = other === null ? `no row of another tenant to take its ${tenant} from (seed one)` : null;
  const noOthersRows = before.others === 0 ? "no row of another tenant to protect (seed one)" : null;
  const copied = shape.copied.map(quoteIdent);
  return [
    {
      what: "INSERT for another tenant",
      missing: noOther ?? (read.ownRows === 0 ? "no row of the probe's tenant to copy" : null),
      sql: `INSERT INTO ${relation} (${[...copied, column].join(", ")})
            SELECT ${[...copied, cast("$2")].join(", ")} FROM ${relation} WHERE ${column}::text = $1 LIMIT 1`,
      params: [probe.tenant_value, other],
      written: (b, a) => a.others - b.others,
      leak: () => `INSERT of a row with ${tenant} = ${other} was accepted (${policiesFor(table, probe, "insert", "with_check")})`,
    },
    {
      what: "UPDATE moving own rows to another tenant",
      missing: noOther ?? (before.own === 0 ? "no row of the probe's tenant to move" : null),
      sql: `UPDATE ${relation} SET ${column} = ${cast("$1")}`,
      params: [other],
      written: (b, a) => b.own - a.own,
      leak: (rows) => `UPDATE moved ${plural(rows, "row")} to ${tenant} = ${other} (${policiesFor(table, probe, "update", "with_check")})`,
    },
    {
      what: "UPDATE of other tenants' rows",
      missing: noOthersRows,
      sql: `UPDATE ${relation} SET ${column} = ${cast("$1")}`,
      params: [probe.tenant_value],
      written: (b, a) => b.others - a.others,
      leak: (rows) => `UPDATE took over ${plural(rows, "row")} of other tenants (${policiesFor(table, probe, "update", "using")})`,
    },
    {
      what: "DELETE of other tenants' rows",
      missing: noOthersRows,
      sql: `DELETE FROM ${relation}`,
      params: [],
      written: (b, a) => b.others - a.others,
      leak: (rows) => `DELETE removed ${plural(rows, "row")} of other tenants (${policiesFor(table, probe, "delete", "using")})`,
    },
  ];
}

/** Runs the write probes of one table; each outcome carries the detail line it reports. */
async function probeTable(engine: Engine, probe: Probe, read: ReadTable, verifier: string): Promise<Outcome[]> {
  const label = tableLabel(read.table);
  const untested = (detail: string): Outcome[] => Array.from({ length: 4 }, () => ({ kind: "untested", detail }));
  if (read.table.kind === "foreign table") {
    return untested(`${label}: write probes not run on a foreign table (they would reach the remote server)`);
  }
  const setVerifier = () => engine.exec(`SET LOCAL ROLE ${quoteIdent(verifier)}`);
  const start = await underSavepoint(engine, async () => {
    await setVerifier();
    return { census: await takeCensus(engine, read.table, probe), shape: await readInsertShape(engine, read.table, probe) };
  });
  if ("error" in start) return untested(`${label}: write probes could not count its rows: ${serverMessage(start.error)}`);
  const before = start.value.census;
  const outcomes: Outcome[] = [];
  for (const write of writeProbesOf(probe, read, before, start.value.shape)) {
    if (write.missing !== null) {
      outcomes.push({ kind: "untested", detail: `${label}: ${write.what} could not be tested: ${write.missing}` });
      continue;
    }
    const result = await underSavepoint(engine, async () => {
      await engine.exec(`SET LOCAL lock_timeout = '${lockTimeout}'; SET LOCAL statement_timeout = '${statementTimeout}'`);
      await engine.query(write.sql, write.params);
      await engine.exec("SET LOCAL lock_timeout TO DEFAULT; SET LOCAL statement_timeout TO DEFAULT");
      await setVerifier();
      return takeCensus(engine, read.table, probe);
    });
    if ("error" in result) {
      // 42501 is both "new row violates row-level security policy" and "permission denied":
      // either way the tenant could not write.
      outcomes.push(
        result.error.sqlstate === "42501"
          ? { kind: "refused" }
          : { kind: "untested", detail: `${label}: ${write.what} could not be tested: ${serverMessage(result.error)}` },
      );
      continue;
    }
    const rows = write.written(before, result.value);
    outcomes.push(rows > 0 ? { kind: "leaked", detail: `${label}: ${write.leak(rows)}` } : { kind: "refused" });
  }
  return outcomes;
}

/**
 * Tries, as the probe's role and settings (already taken by the caller, inside a transaction
 * that is rolled back), to write another tenant's rows in each table the read probe could
 * read: INSERT a copy of an own row with another tenant's value, move own rows to that tenant,
 * take other tenants' rows over, and delete them. Each write runs under its own savepoint,
 * rolled back at once, with low `lock_timeout` and `statement_timeout`. Whether other
 * tenants' rows changed is counted before and after as `verifier`, the role drydock connected
 * as (a superuser, or the owner, whom RLS does not restrict without FORCE): the probe's role
 * cannot see the rows it must not touch, and a statement that succeeds may still have changed
 * none. A table where the verifier sees no other tenant's row cannot be tested. The other
 * tenant's value is the smallest one the table holds, so the row written is one a real tenant
 * could own. https://www.postgresql.org/docs/current/sql-createpolicy.html
 */
export async function probeWrites(engine: Engine, probe: Probe, tables: readonly ReadTable[], verifier: string): Promise<WriteFindings> {
  const counts = noWrites();
  const leaks: string[] = [];
  const untested: string[] = [];
  for (const read of tables) {
    for (const outcome of await probeTable(engine, probe, read, verifier)) {
      counts.ran += 1;
      counts[outcome.kind] += 1;
      if (outcome.kind === "leaked") leaks.push(outcome.detail);
      if (outcome.kind === "untested" && !untested.includes(outcome.detail)) untested.push(outcome.detail);
    }
  }
  return { counts, leaks, untested };
}
