import type { FunctionSnapshot } from "../model/snapshot.js";
import { compareText } from "../snapshot/assemble-snapshot.js";
import { type FunctionArgument, parseFunctionArguments, parseFunctionResult } from "./parse-function-signature.js";
import { parsePgType } from "./parse-pg-type.js";
import { renderTsType, type TsProperty, type TsType, tsObject } from "./render-ts-type.js";
import type { TypeCatalog } from "./type-catalog.js";

/**
 * Pseudo-types that no call through PostgREST can pass or get back: a function taking or
 * returning one of them is a trigger, an event trigger or a handler, not an RPC.
 */
const notCallable = new Set([
  "trigger",
  "event_trigger",
  "internal",
  "language_handler",
  "fdw_handler",
  "index_am_handler",
  "table_am_handler",
  "tsm_handler",
  "cstring",
]);

/**
 * The `Functions` entries of a schema: `{ Args; Returns }` per function, a union of them for
 * overloads (sorted, as supabase's generator does), functions sorted by name. Only functions
 * PostgREST can call by named arguments are written, as supabase's generator does: plain
 * functions (not procedures, aggregates or window functions) whose input arguments all have
 * names, or that take one unnamed argument (PostgREST passes the request body to it; its key is
 * `""`). A function without input arguments has `Args: never`; arguments with a default are
 * optional; `SETOF` and `RETURNS TABLE` return arrays; several `OUT` arguments return an object.
 */
export function functionTypes(functions: readonly FunctionSnapshot[], catalog: TypeCatalog): TsProperty[] {
  const byName = new Map<string, string[]>();
  const overloads = new Map<string, TsType[]>();
  for (const fn of functions) {
    const type = callableType(fn, catalog);
    if (!type) continue;
    const rendered = renderTsType(type);
    if (byName.get(fn.name)?.includes(rendered)) continue;
    byName.set(fn.name, [...(byName.get(fn.name) ?? []), rendered]);
    overloads.set(fn.name, [...(overloads.get(fn.name) ?? []), type]);
  }
  return [...overloads.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, types]) => {
      const sorted = types
        .map((type) => ({ type, text: renderTsType(type) }))
        .sort((a, b) => compareText(a.text, b.text))
        .map(({ type }) => type);
      return { key: name, type: sorted.length === 1 && sorted[0] !== undefined ? sorted[0] : { kind: "union", members: sorted } };
    });
}

function callableType(fn: FunctionSnapshot, catalog: TypeCatalog): TsType | null {
  if (fn.kind !== "function" || fn.result === null) return null;
  const args = parseFunctionArguments(fn.arguments);
  const result = parseFunctionResult(fn.result);
  const types = [...args.map((arg) => arg.type), ...(result.columns ?? []).map((column) => column.type), result.type];
  if (types.some((type) => isNotCallable(type))) return null;
  const inputs = args.filter((arg) => arg.mode === "in" || arg.mode === "inout" || arg.mode === "variadic");
  if (inputs.some((arg) => arg.name === null) && inputs.length > 1) return null;
  const argTypes: TsType =
    inputs.length === 0
      ? "never"
      : tsObject(
          [...inputs]
            .sort((a, b) => compareText(a.name ?? "", b.name ?? ""))
            .map((arg) => ({ key: arg.name ?? "", type: catalog.tsType(arg.type), isOptional: arg.hasDefault })),
        );
  return tsObject([
    { key: "Args", type: argTypes },
    { key: "Returns", type: returnType(args, result, catalog) },
  ]);
}

function returnType(args: FunctionArgument[], result: ReturnType<typeof parseFunctionResult>, catalog: TypeCatalog): TsType {
  const outputs = result.columns ?? args.filter((arg) => arg.mode === "out" || arg.mode === "inout");
  const parsed = parsePgType(result.type);
  const isRecord = parsed.schema === null && parsed.name === "record" && parsed.arrayDepth === 0;
  let type: TsType;
  if (isRecord && outputs.length > 0) {
    type = tsObject(
      outputs.map((column, position) => ({ key: column.name ?? `column${position + 1}`, type: catalog.tsType(column.type) })),
    );
  } else {
    type = catalog.tsType(result.type);
  }
  return result.isSet ? { kind: "array", element: type } : type;
}

function isNotCallable(type: string): boolean {
  const parsed = parsePgType(type);
  return parsed.schema === null && notCallable.has(parsed.name);
}
