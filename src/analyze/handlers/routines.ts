import { doBlockAsFunction, parsePlpgsqlFunction } from "../../parse/parse-sql.js";
import { type AstNode, listOf, names, type RangeVar, unwrap } from "../ast.js";
import { walk } from "../collect-references.js";
import type { EmbeddedFacts, FactsBuilder } from "../statement-facts-builder.js";

/** CREATE FUNCTION/PROCEDURE, CREATE TRIGGER, CREATE/ALTER POLICY, DO, CALL. */
export function handleRoutineStatement(kind: string, fields: AstNode, facts: FactsBuilder): boolean {
  switch (kind) {
    case "CreateFunctionStmt":
      createFunction(fields, facts);
      return true;
    case "CreateTrigStmt": {
      const table = facts.resolver.relationName(fields.relation as RangeVar);
      facts.kind = fields.isconstraint ? "create_constraint_trigger" : "create_trigger";
      facts.create("trigger", `${table}.${String(fields.trigname)}`);
      facts.tolerantCreate = fields.replace === true;
      facts.reference(facts.resolver.functionRef(names(fields.funcname)));
      return true;
    }
    case "CreatePolicyStmt":
    case "AlterPolicyStmt": {
      const table = facts.resolver.relationName(fields.table as RangeVar);
      const name = `${table}.${String(fields.policy_name)}`;
      facts.kind = kind === "CreatePolicyStmt" ? "create_policy" : "alter_policy";
      if (kind === "CreatePolicyStmt") facts.create("policy", name);
      else facts.alter("policy", name);
      return true;
    }
    case "DoStmt":
      facts.kind = "do";
      analyzeDoBlock(fields, facts);
      return true;
    case "CallStmt":
      facts.kind = "call";
      // `funccall` is an unwrapped FuncCall, which the generic walk does not recognise.
      facts.reference(facts.resolver.functionRef(names((fields.funccall as AstNode | undefined)?.funcname)));
      return true;
    default:
      return false;
  }
}

/** `name(type, type)` with the argument types a call site must match (IN, INOUT, VARIADIC). */
function signatureOf(fields: AstNode, facts: FactsBuilder): string {
  const argumentTypes = listOf(fields.parameters)
    .map((parameter) => unwrap(parameter)[1])
    .filter((parameter) => parameter.mode !== "FUNC_PARAM_OUT" && parameter.mode !== "FUNC_PARAM_TABLE")
    .map((parameter) => typeLabel(parameter.argType as AstNode | undefined));
  return `${facts.resolver.createdName(names(fields.funcname))}(${argumentTypes.join(", ")})`;
}

/** A type as written, without pg_catalog: `int4`, `text[]`, `public.mood`. */
export function typeLabel(typeName: AstNode | undefined): string {
  const parts = names(typeName?.names).filter((part, index, all) => !(part === "pg_catalog" && index < all.length - 1));
  const arrays = listOf(typeName?.arrayBounds).length;
  return `${parts.join(".")}${"[]".repeat(arrays)}`;
}

function option(fields: AstNode, name: string): unknown {
  return listOf(fields.options)
    .map((element) => unwrap(element)[1])
    .find((element) => element.defname === name)?.arg;
}

function createFunction(fields: AstNode, facts: FactsBuilder): void {
  const isProcedure = fields.is_procedure === true;
  facts.kind = isProcedure ? "create_procedure" : "create_function";
  facts.create(isProcedure ? "procedure" : "function", signatureOf(fields, facts));
  facts.tolerantCreate = fields.replace === true;
  const language = String((unwrap(option(fields, "language"))[1] as { sval?: string }).sval ?? "sql").toLowerCase();
  // `AS 'body'` (or `AS 'file', 'symbol'`) is a List of strings.
  const bodyParts = listOf(unwrap(option(fields, "as"))[1].items).map((part) => String((unwrap(part)[1] as { sval?: string }).sval ?? ""));
  // BEGIN ATOMIC bodies are part of the AST and collected as hard references by the generic walk.
  if (fields.sql_body) return;
  // A string body is analysed here instead: skip it in the generic walk.
  for (const element of listOf(fields.options)) {
    const [, definition] = unwrap(element);
    if (definition.defname === "as") facts.skip.add(definition);
  }
  const [body = ""] = bodyParts;
  if (language === "sql") {
    // check_function_bodies (on by default) makes PostgreSQL resolve an SQL body at creation.
    const embedded = facts.analyzeEmbedded(body);
    for (const ref of embedded?.references ?? []) facts.reference(ref, { soft: !facts.resolver.checkFunctionBodies });
  } else if (language === "plpgsql") {
    for (const ref of plpgsqlReferences(facts)) facts.reference(ref, { soft: true });
  }
}

/** An SQL statement or expression of a PL/pgSQL body, and how PL/pgSQL parses it. */
interface PlpgsqlQuery {
  query: string;
  /** PostgreSQL's RawParseMode: absent (0) for a statement, 2 for an expression, 3–5 for `target := expression`. */
  parseMode: number;
}

const expressionMode = 2;
const assignmentModes = new Set([3, 4, 5]);

/** SQL statements and expressions of a PL/pgSQL body. */
function plpgsqlQueries(tree: unknown): PlpgsqlQuery[] {
  const queries: PlpgsqlQuery[] = [];
  walk(tree, (kind, fields) => {
    if (kind === "PLpgSQL_expr" && typeof fields.query === "string") {
      queries.push({ query: fields.query, parseMode: typeof fields.parseMode === "number" ? fields.parseMode : 0 });
    }
  });
  return queries;
}

/** Best effort: the relations, functions and types a PL/pgSQL function mentions. */
function plpgsqlReferences(facts: FactsBuilder) {
  const tree = facts.plpgsqlTree ?? parsePlpgsqlFunction(facts.statementSql);
  return embeddedFacts(plpgsqlQueries(tree), facts)?.references ?? [];
}

/**
 * What the queries of a PL/pgSQL body do, as SQL: an expression such as `x > 0` or `x := now()`
 * is read as `SELECT …`. All queries are parsed in one call (the parser's fixed cost per call
 * dominates for short expressions); if that fails, each is parsed alone and those that do not
 * parse are left out.
 */
function embeddedFacts(queries: readonly PlpgsqlQuery[], facts: FactsBuilder): EmbeddedFacts | null {
  if (queries.length === 0) return null;
  const texts = queries.map(asSql);
  // A newline before each semicolon: a query may end in a `--` comment.
  const together = facts.analyzeEmbedded(texts.join("\n;\n"));
  if (together) return together;
  const merged: EmbeddedFacts = { creates: [], drops: [], references: [], locks: [] };
  queries.forEach((query, index) => {
    const alone = facts.analyzeEmbedded(texts[index] ?? "") ?? facts.analyzeEmbedded(`SELECT ${query.query}`);
    if (!alone) return;
    merged.creates.push(...alone.creates);
    merged.drops.push(...alone.drops);
    merged.references.push(...alone.references);
    merged.locks.push(...alone.locks);
  });
  return merged;
}

function asSql({ query, parseMode }: PlpgsqlQuery): string {
  if (parseMode === expressionMode) return `SELECT ${query}`;
  const assignment = /^\s*[\w."]+(\[[^\]]*\])?\s*:?=\s*/s.exec(query);
  if (assignmentModes.has(parseMode) || assignment) return `SELECT ${assignment ? query.slice(assignment[0].length) : query}`;
  return query;
}

/**
 * A DO block runs when the migration runs: what its SQL creates and drops counts (conditionally,
 * so creating an existing object is no finding), what it mentions adds soft edges, and the locks
 * its statements take are the DO's. SQL it builds as text (EXECUTE) is not seen.
 */
function analyzeDoBlock(fields: AstNode, facts: FactsBuilder): void {
  const args = listOf(fields.args).map((arg) => unwrap(arg)[1]);
  const language = args.find((arg) => arg.defname === "language");
  const languageName = String((unwrap(language?.arg)[1] as { sval?: string }).sval ?? "plpgsql").toLowerCase();
  const body = String((unwrap(args.find((arg) => arg.defname === "as")?.arg)[1] as { sval?: string }).sval ?? "");
  for (const arg of args) facts.skip.add(arg);
  if (languageName !== "plpgsql") return;
  const tree = facts.plpgsqlTree ?? parsePlpgsqlFunction(doBlockAsFunction(body));
  const embedded = embeddedFacts(plpgsqlQueries(tree), facts);
  for (const created of embedded?.creates ?? []) facts.create(created.kind, created.name);
  for (const dropped of embedded?.drops ?? []) facts.drop(dropped.kind, dropped.name);
  for (const ref of embedded?.references ?? []) facts.reference(ref, { soft: true });
  // Its statements run now, maybe only some of them: the plan predicts every lock they can take.
  facts.embeddedLocks.push(...(embedded?.locks ?? []));
  if (facts.creates.length > 0) facts.tolerantCreate = true;
  if (facts.drops.length > 0) facts.tolerantDrop = true;
}
