import { isDeepStrictEqual } from "node:util";
import type { AggregateModify, FunctionSnapshot } from "../model/snapshot.js";
import { quoteLiteral } from "../util/quote-ident.js";
import { qualified } from "./sql-text.js";

/**
 * The name part of a `::regprocedure` signature (`public.first_agg(anyelement,anyelement)` →
 * `public.first_agg`): what `SFUNC =` and the other support-function options take. PostgreSQL
 * finds the overload from the aggregate's state and argument types.
 */
export function routineName(signature: string): string {
  let quoted = false;
  for (let i = 0; i < signature.length; i++) {
    const char = signature[i];
    if (char === '"') quoted = !quoted;
    else if (char === "(" && !quoted) return signature.slice(0, i);
  }
  return signature;
}

/**
 * The signature DROP, COMMENT ON and ALTER take for a routine. An aggregate without arguments
 * (`count(*)` style) prints as `name()`, which the aggregate grammar refuses: it wants `name(*)`.
 */
export function routineSignature(fn: FunctionSnapshot): string {
  return fn.kind === "aggregate" && fn.signature.endsWith("()") ? `${fn.signature.slice(0, -2)}(*)` : fn.signature;
}

/** The support functions an aggregate calls, as signatures: they must exist before it. */
export function supportFunctionsOf(fn: FunctionSnapshot): string[] {
  const aggregate = fn.aggregate;
  if (!aggregate) return [];
  const moving = aggregate.moving;
  const all = [
    aggregate.transition_function,
    aggregate.final_function,
    aggregate.combine_function,
    aggregate.serial_function,
    aggregate.deserial_function,
    moving?.transition_function,
    moving?.inverse_function,
    moving?.final_function,
  ];
  return all.filter((signature): signature is string => typeof signature === "string");
}

/** True when an aggregate both sides have was defined differently (CREATE OR REPLACE AGGREGATE makes it again). */
export function aggregateChanged(was: FunctionSnapshot, is: FunctionSnapshot): boolean {
  return is.aggregate !== undefined && (!isDeepStrictEqual(was.aggregate, is.aggregate) || was.parallel !== is.parallel);
}

const modifyKeywords: Record<AggregateModify, string> = { "read only": "READ_ONLY", shareable: "SHAREABLE", "read write": "READ_WRITE" };

/**
 * CREATE AGGREGATE from the snapshot's `pg_aggregate` row, every option spelled out as pg_dump
 * would (FINALFUNC_MODIFY always: its default depends on the aggregate's kind). `replace` gives
 * CREATE OR REPLACE AGGREGATE (PostgreSQL 12+), which keeps the owner, grants and the views
 * that use it; it cannot change the arguments, result or kind. Null when the snapshot has no
 * definition (one written before aggregates were read).
 */
export function createAggregate(fn: FunctionSnapshot, options: { replace?: boolean } = {}): string | null {
  const aggregate = fn.aggregate;
  if (!aggregate) return null;
  const parts = [`SFUNC = ${routineName(aggregate.transition_function)}`, `STYPE = ${aggregate.state_type}`];
  if (aggregate.state_space > 0) parts.push(`SSPACE = ${aggregate.state_space}`);
  if (aggregate.final_function) parts.push(`FINALFUNC = ${routineName(aggregate.final_function)}`);
  if (aggregate.final_extra) parts.push("FINALFUNC_EXTRA");
  parts.push(`FINALFUNC_MODIFY = ${modifyKeywords[aggregate.final_modify]}`);
  if (aggregate.combine_function) parts.push(`COMBINEFUNC = ${routineName(aggregate.combine_function)}`);
  if (aggregate.serial_function) parts.push(`SERIALFUNC = ${routineName(aggregate.serial_function)}`);
  if (aggregate.deserial_function) parts.push(`DESERIALFUNC = ${routineName(aggregate.deserial_function)}`);
  if (aggregate.initial_condition !== null) parts.push(`INITCOND = ${quoteLiteral(aggregate.initial_condition)}`);
  const moving = aggregate.moving;
  if (moving) {
    parts.push(`MSFUNC = ${routineName(moving.transition_function)}`, `MINVFUNC = ${routineName(moving.inverse_function)}`);
    parts.push(`MSTYPE = ${moving.state_type}`);
    if (moving.state_space > 0) parts.push(`MSSPACE = ${moving.state_space}`);
    if (moving.final_function) parts.push(`MFINALFUNC = ${routineName(moving.final_function)}`);
    if (moving.final_extra) parts.push("MFINALFUNC_EXTRA");
    parts.push(`MFINALFUNC_MODIFY = ${modifyKeywords[moving.final_modify]}`);
    if (moving.initial_condition !== null) parts.push(`MINITCOND = ${quoteLiteral(moving.initial_condition)}`);
  }
  // OPERATOR(schema.op): a bare operator name would be looked up on the session's search_path.
  if (aggregate.sort_operator) parts.push(`SORTOP = OPERATOR(${aggregate.sort_operator})`);
  if (fn.parallel !== "unsafe") parts.push(`PARALLEL = ${fn.parallel.toUpperCase()}`);
  if (aggregate.kind === "hypothetical") parts.push("HYPOTHETICAL");
  const create = options.replace ? "CREATE OR REPLACE AGGREGATE" : "CREATE AGGREGATE";
  return `${create} ${qualified(fn.schema, fn.name)}(${fn.arguments || "*"}) (\n  ${parts.join(",\n  ")}\n);`;
}
