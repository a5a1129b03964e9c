import { lockModes, type RelationLock, type StatementFacts } from "../model/analysis.js";
import { type ParsedStatement, parseFragment } from "../parse/parse-sql.js";
import { unwrap } from "./ast.js";
import { isSystemSchema } from "./catalog/builtin-names.js";
import { collectReferences } from "./collect-references.js";
import { handleOtherStatement } from "./handlers/other-statements.js";
import { handleRoutineStatement } from "./handlers/routines.js";
import { handleTableStatement } from "./handlers/tables.js";
import { handleTypeStatement } from "./handlers/types-and-schemas.js";
import type { NamedRef, NameResolver } from "./name-resolver.js";
import { predictLocks } from "./predict-locks.js";
import { type EmbeddedFacts, FactsBuilder, type ForeignKeyFact, type IndexFact, type Rename } from "./statement-facts-builder.js";

/** StatementFacts whose references may still be unqualified (the plan resolves them). */
export interface AnalyzedStatement extends Omit<StatementFacts, "references" | "softReferences"> {
  references: NamedRef[];
  softReferences: NamedRef[];
  /** Objects renamed or moved to another schema (with everything named under them). */
  renames: Rename[];
  /** DROP … CASCADE. */
  cascade: boolean;
  /** CREATE EXTENSION: the schema that receives its objects. */
  extensionSchema?: string;
  /** Foreign keys it adds (constraints of a CREATE TABLE or ALTER TABLE … ADD). */
  foreignKeys: ForeignKeyFact[];
  /** Indexes it builds, with their tables. */
  indexes: IndexFact[];
}

export interface AnalyzeOptions {
  serverMajor?: number;
}

/** Kinds created directly in a schema (indexes, columns, constraints… live under a table). */
const schemaScopedKinds = new Set(["table", "view", "materialized_view", "sequence", "type", "enum", "domain", "function", "procedure"]);

const handlers = [handleTableStatement, handleRoutineStatement, handleTypeStatement, handleOtherStatement];

/**
 * What one statement creates, alters, drops and needs, and the locks it takes (SPEC §5).
 * `resolver` carries the migration's `search_path`; a `SET search_path` statement updates it
 * for the statements after it.
 */
export function analyzeStatement(statement: ParsedStatement, resolver: NameResolver, options: AnalyzeOptions = {}): AnalyzedStatement {
  const [nodeKind, fields] = unwrap(statement.node);
  const facts = new FactsBuilder(resolver, statement.sql, (sql) => analyzeEmbedded(sql, resolver, options), statement.plpgsqlTree);
  for (const handle of handlers) {
    if (handle(nodeKind, fields, facts)) break;
  }
  // Everything the statement names and is not creating must exist (or is soft, per handler).
  for (const ref of collectReferences(statement.node, resolver, { skip: facts.skip })) facts.reference(ref);
  // An object is created in a schema that must exist already.
  for (const created of facts.creates) {
    if (!schemaScopedKinds.has(created.kind)) continue;
    const schema = created.name.slice(0, created.name.indexOf("."));
    if (schema && !isSystemSchema(schema))
      facts.reference({ kind: "schema", name: schema }, { soft: facts.tolerantCreate && facts.kind === "do" });
  }
  return {
    index: statement.index,
    line: statement.line,
    column: statement.column,
    kind: facts.kind,
    creates: dedupe(facts.creates),
    alters: dedupe(facts.alters),
    drops: dedupe(facts.drops),
    references: dedupe(facts.references.filter((ref) => !createdHere(ref, facts))),
    softReferences: dedupe(facts.softReferences),
    tolerantCreate: facts.tolerantCreate,
    tolerantDrop: facts.tolerantDrop,
    renames: facts.renames,
    cascade: facts.cascade,
    foreignKeys: facts.foreignKeys,
    indexes: facts.indexes,
    ...(facts.extensionSchema ? { extensionSchema: facts.extensionSchema } : {}),
    locks: withEmbedded(
      predictLocks(statement.node, (schema, name) => resolver.createdName(schema ? [schema, name] : [name]), options.serverMajor),
      facts.embeddedLocks,
    ),
  };
}

/** Analyses SQL embedded in a statement (a function body, a DO block's statement); null if it does not parse. */
function analyzeEmbedded(sql: string, resolver: NameResolver, options: AnalyzeOptions): EmbeddedFacts | null {
  const nodes = parseFragment(sql);
  if (!nodes) return null;
  const embedded: EmbeddedFacts = { creates: [], drops: [], references: [], locks: [] };
  nodes.forEach((node, index) => {
    const facts = analyzeStatement({ index, sql, startUnit: 0, line: 1, column: 1, node }, resolver, options);
    embedded.creates.push(...facts.creates);
    embedded.drops.push(...facts.drops);
    embedded.references.push(...facts.references, ...facts.softReferences);
    embedded.locks.push(...facts.locks);
  });
  return embedded;
}

/** A statement's own locks, then those of the SQL it runs that it does not take already (a stronger mode wins). */
function withEmbedded(own: RelationLock[], embedded: readonly RelationLock[]): RelationLock[] {
  if (embedded.length === 0) return own;
  const locks = [...own];
  for (const lock of embedded) {
    const at = locks.findIndex((held) => held.relation === lock.relation);
    if (at < 0) locks.push(lock);
    else if (lockModes.indexOf(lock.mode) > lockModes.indexOf(locks[at]?.mode ?? lock.mode)) locks[at] = lock;
  }
  return locks;
}

/** Kinds named without a schema: one may share its name with an object of another such kind. */
const bareNamedKinds = new Set(["schema", "extension", "role"]);

function createdHere(ref: NamedRef, facts: FactsBuilder): boolean {
  return facts.creates.some((created) =>
    // `CREATE SCHEMA app AUTHORIZATION app` creates the schema and needs the role of that name.
    bareNamedKinds.has(ref.kind) || bareNamedKinds.has(created.kind)
      ? created.kind === ref.kind && created.name === ref.name
      : created.name === ref.name || created.name.startsWith(`${ref.name}(`),
  );
}

function dedupe<T extends { kind: string; name: string }>(refs: T[]): T[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.kind}:${ref.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
