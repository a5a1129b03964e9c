import { setFlagsFromString } from "node:v8";
import type { ParseResult } from "libpg-query";
import { LineIndex } from "../util/line-index.js";
import { checkPlpgsqlBodies } from "./check-plpgsql-bodies.js";
import type { ParseAhead } from "./parse-ahead.js";
import { SqlSyntaxError } from "./sql-syntax-error.js";

/** One statement of a script, with where it stands in the file. */
export interface ParsedStatement {
  index: number;
  /** The statement's text as written (without the trailing semicolon). */
  sql: string;
  /** UTF-16 offset of the statement's first character in the script. */
  startUnit: number;
  /** 1-based line and column of its first token. */
  line: number;
  column: number;
  /** The libpg-query AST node: `{ CreateStmt: {...} }`, `{ IndexStmt: {...} }`, … */
  node: Record<string, unknown>;
  /**
   * The PL/pgSQL parse tree of a CREATE FUNCTION … LANGUAGE plpgsql or DO body, kept from the
   * syntax check so the analysis does not parse the body again.
   */
  plpgsqlTree?: unknown;
}

export interface ParsedScript {
  file: string;
  statements: ParsedStatement[];
  lines: LineIndex;
}

type Parser = typeof import("libpg-query");
let parser: Parser | undefined;
let parserReady: Promise<void> | undefined;

/**
 * Loads libpg-query and its WASM module once, on first use: a plan served from the cache never
 * pays for it (its loader also pulls in Node's fetch).
 */
export function loadParser(): Promise<void> {
  parserReady ??= import("libpg-query").then(async (loaded) => {
    await compiledWithBaselineOnly(() => loaded.loadModule());
    parser = loaded;
  });
  return parserReady;
}

/**
 * Compiles the parser's WASM with V8's baseline compiler (Liftoff) only. By default V8 also
 * recompiles hot functions with its optimizing compiler in the background; a drydock run parses
 * for a second or two and ends before that pays back, and on a 2-core machine the recompiling
 * competes with the parsing: planning 3,000 migrations took ~10% less wall time (bench/RESULTS.md).
 * V8 reads the flag when it compiles a module, so it is switched back at once and other WASM
 * (PGlite's PostgreSQL, which runs long) keeps the optimizing tier.
 */
async function compiledWithBaselineOnly<T>(compile: () => Promise<T>): Promise<T> {
  setFlagsFromString("--liftoff-only");
  try {
    return await compile();
  } finally {
    setFlagsFromString("--no-liftoff-only");
  }
}

/** The loaded parser; callers await `loadParser()` first (parseSql does). */
export function loadedParser(): Parser {
  if (!parser) throw new Error("libpg-query used before loadParser() resolved");
  return parser;
}

const onErrorStopLine = /^[ \t]*\\set[ \t]+ON_ERROR_STOP\b.*$/gim;
const metaCommandLine = /^[ \t]*(\\[a-zA-Z!?]+)/m;

/**
 * Splits a script into statements with the real PostgreSQL parser (libpg-query). A syntax
 * error, or a psql meta-command (`\i`, `\connect`…, which only psql understands), throws
 * `SqlSyntaxError` at its file:line:column. `\set ON_ERROR_STOP` lines are ignored: drydock
 * always stops at the first error.
 */
export async function parseSql(file: string, text: string, ahead?: ParseAhead | null): Promise<ParsedScript> {
  await loadParser();
  return parseSqlLoaded(file, text, ahead);
}

/** The text the parser is given for a script: without its `\set ON_ERROR_STOP` lines. */
export function parserInputOf(text: string): string {
  // The pattern is slow over a whole file; a file without a backslash cannot match it.
  return text.includes("\\") ? text.replace(onErrorStopLine, "") : text;
}

/**
 * `parseSql` once `loadParser()` has resolved: synchronous. `ahead` may hold the parse already.
 * `checkBodies: false` skips the PL/pgSQL check (`checkPlpgsqlBodies`), for a script whose
 * bodies were checked before (its analysis is cached): its statements then have no `plpgsqlTree`.
 */
export function parseSqlLoaded(
  file: string,
  text: string,
  ahead?: ParseAhead | null,
  { checkBodies = true }: { checkBodies?: boolean } = {},
): ParsedScript {
  const sql = parserInputOf(text);
  const lines = new LineIndex(sql);
  if (sql.trim() === "") return { file, statements: [], lines }; // the parser refuses an empty string
  let tree: ParseResult;
  try {
    tree = ahead?.take(sql) ?? loadedParser().parseSync(sql);
  } catch (error) {
    throw syntaxErrorOf(error, file, lines);
  }
  const statements: ParsedStatement[] = (tree.stmts ?? []).map((raw, index) => {
    const startByte = raw.stmt_location ?? 0; // absent when 0
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : lines.byteLength; // 0 means "to the end"
    const startUnit = lines.unitOfByte(startByte);
    const statementText = sql.slice(startUnit, lines.unitOfByte(endByte));
    const leading = statementText.length - statementText.trimStart().length;
    const position = lines.locateUnit(startUnit + leading);
    return {
      index,
      sql: statementText,
      startUnit,
      line: position.line,
      column: position.column,
      node: (raw.stmt ?? {}) as Record<string, unknown>,
    };
  });
  if (checkBodies) checkPlpgsqlBodies(file, statements, lines);
  return { file, statements, lines };
}

function syntaxErrorOf(error: unknown, file: string, lines: LineIndex): SqlSyntaxError {
  const meta = metaCommandLine.exec(lines.text);
  if (meta?.[1]) {
    const at = lines.locateUnit(meta.index + (meta[0].length - meta[1].length));
    return new SqlSyntaxError(
      `psql meta-command ${meta[1]} is not SQL`,
      { file, ...at },
      lines.lineText(at.line),
      "drydock runs SQL only: replace the meta-command with SQL (variables go in [project.variables]), or remove it.",
    );
  }
  const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
  const message = error instanceof Error ? error.message : String(error);
  // libpg-query's cursorPosition is PostgreSQL's error position less one: a 0-based count of
  // characters (not bytes) into the text parsed.
  const at = lines.locateCharacterPosition(0, (details?.cursorPosition ?? 0) + 1);
  return new SqlSyntaxError(message, { file, ...at }, lines.lineText(at.line));
}

/**
 * Parses SQL found inside other SQL (a function body, a statement of a DO block) after
 * `loadParser()`. Returns the statements' AST nodes, or null when the text does not parse:
 * embedded code is analysed best effort and never fails a migration.
 */
export function parseFragment(sql: string): Record<string, unknown>[] | null {
  if (sql.trim() === "") return [];
  try {
    return (loadedParser().parseSync(sql).stmts ?? []).map((raw) => (raw.stmt ?? {}) as Record<string, unknown>);
  } catch {
    return null;
  }
}

/**
 * Parses a CREATE FUNCTION statement's PL/pgSQL body (libpg-query's PL/pgSQL parser) after
 * `loadParser()`; null when it does not parse.
 */
export function parsePlpgsqlFunction(createFunctionSql: string): unknown | null {
  try {
    return loadedParser().parsePlPgSQLSync(createFunctionSql);
  } catch {
    return null;
  }
}

/**
 * A DO block's PL/pgSQL body as the CREATE FUNCTION that libpg-query's PL/pgSQL parser reads
 * (it parses function bodies only), quoted with a dollar tag the body does not contain.
 */
export function doBlockAsFunction(body: string): string {
  let tag = "$drydock$";
  for (let i = 0; body.includes(tag); i++) tag = `$drydock${i}$`;
  return `CREATE FUNCTION drydock_do_block() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`;
}
