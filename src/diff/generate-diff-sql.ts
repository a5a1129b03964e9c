import type { FunctionSnapshot, Snapshot } from "../model/snapshot.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";
import { supportFunctionsOf } from "./aggregate-statements.js";
import { alterStatements } from "./alter-statements.js";
import { commentStatements, grantStatements } from "./comment-grant-statements.js";
import { dropStatements } from "./drop-statements.js";
import { indexBy } from "./index-by.js";
import {
  canCreate,
  createFunction,
  createSequence,
  createType,
  needsRelations,
  orderTypes,
  viewStatements,
  viewsToRebuild,
} from "./object-statements.js";
import { routineAndViewOwnerStatements, storageOwnerStatements } from "./owner-statements.js";
import { routinesToRecreate } from "./routines-to-recreate.js";
import { indexIfNotExists, mentionedAmong, mentionsAnyOf, orderByDependencies, qualified, regclassName } from "./sql-text.js";
import {
  addConstraint,
  allReplacedParts,
  createPolicy,
  createTable,
  createTrigger,
  ownConstraints,
  parentsOf,
  partitionColumnChanges,
  rlsChanges,
} from "./table-statements.js";

export interface GenerateDiffSqlOptions {
  /** Leave out every destructive statement (drops of objects only in `from`). */
  safe?: boolean;
}

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/**
 * New routines in creation order: an aggregate after its support functions, a routine whose
 * definition names a new aggregate after it (a SQL-standard body is resolved at creation).
 */
function orderRoutines(routines: readonly FunctionSnapshot[]): FunctionSnapshot[] {
  const aggregatesIn = mentionedAmong(routines.filter((fn) => fn.kind === "aggregate"));
  return orderByDependencies(
    routines,
    (fn) => fn.signature,
    (fn) =>
      fn.kind === "aggregate" ? supportFunctionsOf(fn) : fn.definition === null ? [] : aggregatesIn(fn.definition).map((o) => o.signature),
  );
}

/**
 * The routines that must wait for the tables and views (`needsRelations`), with the aggregates
 * whose support functions wait.
 */
function lateRoutines(routines: readonly FunctionSnapshot[], relations: readonly { schema: string; name: string }[]): Set<string> {
  const namesRelation = mentionsAnyOf(relations);
  const late = new Set(routines.filter((fn) => needsRelations(fn, namesRelation)).map((fn) => fn.signature));
  for (const fn of routines) {
    if (supportFunctionsOf(fn).some((signature) => late.has(signature))) late.add(fn.signature);
  }
  return late;
}

/**
 * The SQL statements that turn a database shaped like `from` into one shaped like `to`, in an
 * order PostgreSQL accepts: schemas and extensions, types, sequences, functions that need no
 * table and the aggregates they support, new tables without foreign keys (keys and checks,
 * indexes); then drops of what only `from` has, dependants first, each marked `-- destructive:`
 * (left out with `safe`), with the views that must be rebuilt (`viewsToRebuild`); then changes
 * to tables both have (columns, constraints, indexes, triggers, policies) and routines; then
 * foreign keys of new tables, owners of schemas, types, tables and sequences (before `OWNED BY`,
 * which wants one owner), the remaining functions, views (new, rebuilt and replaced, each after
 * the views it names, after every column they may select), triggers, row-level security and
 * policies of new objects, owners of routines and views, grants and comments (docs/diff.md).
 * Function bodies are not checked at creation (`SET check_function_bodies = off`, as pg_dump
 * does), so a PL/pgSQL or SQL function may name tables created after it. Pure: no database.
 */
export function generateDiffSql(from: Snapshot, to: Snapshot, options: GenerateDiffSqlOptions = {}): string[] {
  const out: string[] = [];
  const replaced = allReplacedParts(from, to);
  const recreated = routinesToRecreate(from, to);
  const rebuilt = viewsToRebuild(from, to, replaced, recreated);
  // A rebuilt view or recreated routine is created like a new one: its owner, grants and
  // comments went with the DROP.
  const kept: Snapshot = {
    ...from,
    // So are regenerated columns (dropped and added again), their grants and comments.
    tables: from.tables.map((table) => {
      const regenerated = replaced.get(keyOf(table))?.columns ?? new Set<string>();
      return regenerated.size === 0 ? table : { ...table, columns: table.columns.filter((column) => !regenerated.has(column.name)) };
    }),
    views: from.views.filter((view) => !rebuilt.has(keyOf(view))),
    functions: from.functions.filter((fn) => !recreated.has(fn.signature)),
  };
  const had = {
    schemas: new Set(from.schemas.map((schema) => schema.name)),
    extensions: new Set(from.extensions.map((extension) => extension.name)),
    types: new Set(from.types.map(keyOf)),
    sequences: new Set(from.sequences.map(keyOf)),
    tables: new Set(from.tables.map(keyOf)),
    views: new Set(kept.views.map(keyOf)),
    functions: new Set(from.functions.map((fn) => fn.signature)),
  };
  const newFunctions = orderRoutines(to.functions.filter((fn) => !had.functions.has(fn.signature)));
  const definitionsBefore = new Map<string, (string | null)[]>();
  for (const fn of from.functions) definitionsBefore.set(fn.signature, [...(definitionsBefore.get(fn.signature) ?? []), fn.definition]);
  const changedFunctions = to.functions.filter((fn) =>
    (definitionsBefore.get(fn.signature) ?? []).some((definition) => definition !== fn.definition),
  );
  // CREATE OR REPLACE checks a body too: a changed function may name a view created later.
  if (newFunctions.length > 0 || changedFunctions.length > 0) out.push("SET check_function_bodies = off;");

  const schemaNames = new Set([...had.schemas, ...to.schemas.map((schema) => schema.name)]);
  for (const schema of to.schemas) if (!had.schemas.has(schema.name)) out.push(`CREATE SCHEMA ${quoteIdent(schema.name)};`);
  for (const extension of to.extensions) {
    if (had.extensions.has(extension.name)) continue;
    if (!schemaNames.has(extension.schema) && extension.schema !== "pg_catalog") {
      out.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(extension.schema)};`);
      schemaNames.add(extension.schema);
    }
    out.push(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension.name)} WITH SCHEMA ${quoteIdent(extension.schema)};`);
  }
  out.push(...extensionChanges(from, to));
  for (const type of orderTypes(to.types.filter((type) => !had.types.has(keyOf(type))))) out.push(...createType(type));
  for (const sequence of to.sequences) if (!had.sequences.has(keyOf(sequence))) out.push(createSequence(sequence));

  const relations = [...to.tables, ...to.views];
  const late = lateRoutines(newFunctions, relations);
  const lateFunctions = newFunctions.filter((fn) => late.has(fn.signature));
  for (const fn of newFunctions) {
    if (late.has(fn.signature)) continue;
    const sql = createFunction(fn);
    if (sql) out.push(sql);
  }

  const tablesByName = new Map(to.tables.map((table) => [regclassName(table.schema, table.name), table]));
  const newTables = orderByDependencies(
    to.tables.filter((table) => !had.tables.has(keyOf(table)) && table.kind !== "foreign table"),
    (table) => regclassName(table.schema, table.name),
    parentsOf,
  );
  for (const table of newTables) {
    out.push(createTable(table));
    out.push(...partitionColumnChanges(table, table.partition_of ? tablesByName.get(table.partition_of.parent) : undefined));
  }
  const parentsFor = (table: (typeof newTables)[number]) => parentsOf(table).flatMap((name) => tablesByName.get(name) ?? []);
  for (const table of newTables) {
    for (const constraint of ownConstraints(table, parentsFor(table))) {
      if (constraint.type !== "foreign key") out.push(addConstraint(table, constraint));
    }
  }
  for (const table of newTables) {
    for (const index of table.indexes) if (index.constraint === null) out.push(indexIfNotExists(index.definition));
  }
  out.push(
    ...dropStatements(from, to, { rebuiltViews: rebuilt, recreatedRoutines: recreated, safe: options.safe, replaced }),
    ...alterStatements(from, to, replaced),
  );
  // After the changes to existing tables: a new table's key may reference a column or a
  // unique constraint they add.
  for (const table of newTables) {
    for (const constraint of ownConstraints(table, parentsFor(table))) {
      if (constraint.type === "foreign key") out.push(addConstraint(table, constraint));
    }
  }
  // What was not created (foreign tables, whose server the snapshot does not keep, and aggregates
  // of snapshots written before aggregates were read) gets no owner, grants or comments either.
  const created: Snapshot = {
    ...to,
    tables: to.tables.filter((table) => had.tables.has(keyOf(table)) || table.kind !== "foreign table"),
    functions: to.functions.filter((fn) => had.functions.has(fn.signature) || canCreate(fn)),
  };
  out.push(...storageOwnerStatements(from, created));
  const fromSequences = indexBy(from.sequences, keyOf);
  for (const sequence of to.sequences) {
    const was = fromSequences.get(keyOf(sequence));
    if ((was?.owned_by ?? null) === sequence.owned_by) continue;
    // owned_by is `table.column` as ::regclass and quote_ident print them.
    out.push(`ALTER SEQUENCE ${qualified(sequence.schema, sequence.name)} OWNED BY ${sequence.owned_by ?? "NONE"};`);
  }
  for (const fn of lateFunctions) {
    const sql = createFunction(fn);
    if (sql) out.push(sql);
  }
  out.push(...viewStatements(kept, to, rebuilt));
  const newViews = to.views.filter((view) => !had.views.has(keyOf(view)));
  for (const table of newTables) for (const trigger of table.triggers) out.push(...createTrigger(table, trigger));
  for (const view of newViews) for (const trigger of view.triggers) out.push(...createTrigger(view, trigger));
  for (const table of newTables) {
    out.push(...rlsChanges(table, { enabled: false, forced: false }));
    for (const policy of table.policies) out.push(createPolicy(table, policy));
  }
  // Owners before grants: ALTER … OWNER TO hands the old owner's privileges to the new one.
  out.push(...routineAndViewOwnerStatements(kept, created));
  return [...out, ...grantStatements(kept, created), ...commentStatements(kept, created)];
}

/**
 * An extension both sides have, at another version or in another schema: `ALTER EXTENSION …
 * UPDATE TO` (PostgreSQL runs the extension's update scripts; it refuses a version it has no
 * path to) and `SET SCHEMA` (refused for an extension that is not relocatable). A new extension
 * is created at the server's default version, as pg_dump does.
 */
function extensionChanges(from: Snapshot, to: Snapshot): string[] {
  const before = new Map(from.extensions.map((extension) => [extension.name, extension]));
  const out: string[] = [];
  for (const extension of to.extensions) {
    const was = before.get(extension.name);
    if (!was) continue;
    const name = quoteIdent(extension.name);
    if (was.version !== extension.version) out.push(`ALTER EXTENSION ${name} UPDATE TO ${quoteLiteral(extension.version)};`);
    if (was.schema !== extension.schema) out.push(`ALTER EXTENSION ${name} SET SCHEMA ${quoteIdent(extension.schema)};`);
  }
  return out;
}
