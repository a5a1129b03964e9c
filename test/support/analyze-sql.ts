import { type AnalyzedStatement, analyzeStatement } from "../../src/analyze/analyze-statement.js";
import { type NamedRef, NameResolver } from "../../src/analyze/name-resolver.js";
import type { Rename } from "../../src/analyze/statement-facts-builder.js";
import type { ObjectKind } from "../../src/model/analysis.js";
import { parseSql } from "../../src/parse/parse-sql.js";

/**
 * A statement's facts as the analysis tests compare them: without position and locks (their own
 * tests cover those), without empty lists and false flags, and with every list of objects sorted,
 * so that `toEqual` is exact about what is there but not about the order it was found in.
 */
export interface Facts {
  kind?: string;
  creates?: NamedRef[];
  alters?: NamedRef[];
  drops?: NamedRef[];
  references?: NamedRef[];
  softReferences?: NamedRef[];
  renames?: Rename[];
  tolerantCreate?: boolean;
  tolerantDrop?: boolean;
  cascade?: boolean;
  extensionSchema?: string;
}

/**
 * Analyses a script the way the plan analyses a migration: statement by statement with one
 * NameResolver, so `SET search_path` and `SET check_function_bodies` carry over.
 */
export async function analyzeSql(sql: string, searchPath: string[] = ["public"]): Promise<Facts[]> {
  const resolver = new NameResolver(searchPath);
  const { statements } = await parseSql("test.sql", sql);
  return statements.map((statement) => facts(analyzeStatement(statement, resolver)));
}

/** The facts of a script's last statement (the ones before it set the scene). */
export async function factsOf(sql: string, searchPath?: string[]): Promise<Facts> {
  const all = await analyzeSql(sql, searchPath);
  const last = all[all.length - 1];
  if (!last) throw new Error(`no statement in: ${sql}`);
  return last;
}

/** Expected facts in the same shape as `factsOf` gives: write them in any order. */
export function facts(statement: Facts | AnalyzedStatement): Facts {
  const shaped: Facts = {};
  const lists = ["creates", "alters", "drops", "references", "softReferences"] as const;
  if (statement.kind !== undefined) shaped.kind = statement.kind;
  for (const list of lists) {
    const refs = statement[list];
    if (refs && refs.length > 0) shaped[list] = [...refs].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }
  if (statement.renames && statement.renames.length > 0) shaped.renames = statement.renames;
  if (statement.tolerantCreate) shaped.tolerantCreate = true;
  if (statement.tolerantDrop) shaped.tolerantDrop = true;
  if (statement.cascade) shaped.cascade = true;
  if (statement.extensionSchema !== undefined) shaped.extensionSchema = statement.extensionSchema;
  return shaped;
}

function sortKey(ref: NamedRef): string {
  return `${ref.kind}:${ref.name}:${ref.searchPath?.join(",") ?? ""}`;
}

/** An object named with its schema (or needing none: schemas, extensions, roles). */
export function named(kind: ObjectKind, name: string): NamedRef {
  return { kind, name };
}

/**
 * A reference written without a schema: `name` is how the analysis qualifies it (the first
 * schema of `search_path`), `searchPath` where the plan will look for it.
 */
export function onPath(kind: ObjectKind, name: string, searchPath: string[] = ["public"]): NamedRef {
  return { kind, name, searchPath };
}
