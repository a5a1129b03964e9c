import type { Engine } from "../../db/engine.js";
import { ServerError } from "../../db/server-error.js";
import { plural } from "../../util/plural.js";
import type { Check } from "../check.js";
import { inRolledBackTransaction } from "../in-rolled-back-transaction.js";
import { limitDetails } from "../limit-details.js";

const id = "data.invariants";

/** One invariant as it ran: what it returned, or the server's error. */
interface InvariantResult {
  name: string;
  expected: number | string | boolean;
  actual: string | number | boolean | null;
  passed: boolean;
  error?: string;
}

/** A value as text: a date in ISO form, anything else as PostgreSQL's text output would read. */
function asText(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  return JSON.stringify(value);
}

/** Numbers compare numerically (a count arrives as "3"), strings and booleans as text. */
function matches(expected: number | string | boolean, actual: string | number | boolean | null): boolean {
  if (actual === null) return false;
  if (typeof expected === "number") return Number(actual) === expected && String(actual).trim() !== "";
  return String(actual) === String(expected);
}

async function runInvariant(
  engine: Engine,
  invariant: { name: string; sql: string; expect: number | string | boolean },
): Promise<InvariantResult> {
  const base = { name: invariant.name, expected: invariant.expect };
  try {
    const rows = await inRolledBackTransaction(engine, () => engine.query<Record<string, unknown>>(invariant.sql), { readOnly: true });
    const first = Array.isArray(rows) ? rows[0] : undefined; // several statements: node-postgres returns no row list
    const actual = asText(first ? Object.values(first)[0] : null);
    return { ...base, actual, passed: matches(invariant.expect, actual) };
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    return { ...base, actual: null, passed: false, error: `${error.message} (${error.codeLabel})` };
  }
}

/**
 * Each `[[checks.invariant]]` query returns its expected value: the first column of the first
 * row (none when there is no row) is compared with `expect`, numbers numerically and strings
 * and booleans as text. The query runs in a READ ONLY transaction that is rolled back, so an
 * invariant can never change data. A query error fails the check, naming the invariant.
 * Skipped when none is configured.
 */
export const dataInvariants: Check = {
  id,
  description: "each configured SQL assertion returns its expected value",
  async run({ engine, config }) {
    const invariants = config.checks.invariant;
    if (invariants.length === 0) {
      return { id, status: "skip", summary: "no invariant configured ([[checks.invariant]])", observed: { invariants: 0 }, details: [] };
    }
    const results: InvariantResult[] = [];
    for (const invariant of invariants) results.push(await runInvariant(engine, invariant));
    const failed = results.filter((result) => !result.passed);
    const observed = { invariants: results.length, failed: failed.length, results };
    const details = failed.map((result) =>
      result.error
        ? `invariant "${result.name}": ${result.error}`
        : `invariant "${result.name}": expected ${JSON.stringify(result.expected)}, got ${result.actual === null ? "no value" : JSON.stringify(result.actual)}`,
    );
    if (failed.length === 0) {
      return { id, status: "pass", summary: `${plural(results.length, "invariant")}, all hold`, observed, details };
    }
    return {
      id,
      status: "fail",
      summary: `${failed.length} of ${plural(results.length, "invariant")} failed`,
      observed,
      details: limitDetails(details),
    };
  },
};
