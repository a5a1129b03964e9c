import type { Snapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { alterStatements } from "./alter-statements.js";
import { commentStatements, grantStatements } from "./comment-grant-statements.js";
import { dropStatements } from "./drop-statements.js";
import { createFunction, createSequence, createType, createView, needsRelations, orderTypes, orderViews } from "./object-statements.js";
import { indexIfNotExists, orderByDependencies, qualified, regclassName } from "./sql-text.js";
import {
  addConstraint,
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
 * The SQL statements that turn a database shaped like `from` into one shaped like `to`, in an
 * order PostgreSQL accepts: schemas and extensions, types, sequences, functions that need no
 * table, tables without constraints, keys and checks, indexes, foreign keys, the remaining
 * functions, views (a view after the views it names), triggers, row-level security, policies,
 * grants and comments; then drops of what only `from` has, dependants first, each marked
 * `-- destructive:` (left out with `safe`); then changes to objects both have. Function bodies
 * are not checked at creation (`SET check_function_bodies = off`, as pg_dump does), so a
 * PL/pgSQL or SQL function may name tables created after it. Pure: no database.
 */
export function generateDiffSql(from: Snapshot, to: Snapshot, options: GenerateDiffSqlOptions = {}): string[] {
  const out: string[] = [];
  const had = {
    schemas: new Set(from.schemas.map((schema) => schema.name)),
    extensions: new Set(from.extensions.map((extension) => extension.name)),
    types: new Set(from.types.map(keyOf)),
    sequences: new Set(from.sequences.map(keyOf)),
    tables: new Set(from.tables.map(keyOf)),
    views: new Set(from.views.map(keyOf)),
    functions: new Set(from.functions.map((fn) => fn.signature)),
  };
  const newFunctions = to.functions.filter((fn) => !had.functions.has(fn.signature));
  if (newFunctions.length > 0) out.push("SET check_function_bodies = off;");

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
  for (const type of orderTypes(to.types.filter((type) => !had.types.has(keyOf(type))))) out.push(...createType(type));
  for (const sequence of to.sequences) if (!had.sequences.has(keyOf(sequence))) out.push(createSequence(sequence));

  const relations = [...to.tables, ...to.views];
  const lateFunctions = newFunctions.filter((fn) => needsRelations(fn, relations));
  for (const fn of newFunctions) {
    if (lateFunctions.includes(fn)) continue;
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
  for (const table of newTables) {
    for (const constraint of ownConstraints(table, parentsFor(table))) {
      if (constraint.type === "foreign key") out.push(addConstraint(table, constraint));
    }
  }
  for (const sequence of to.sequences) {
    if (sequence.owned_by && !had.sequences.has(keyOf(sequence))) {
      const column = sequence.owned_by.slice(sequence.owned_by.lastIndexOf(".") + 1);
      const table = sequence.owned_by.slice(0, sequence.owned_by.lastIndexOf("."));
      out.push(`ALTER SEQUENCE ${qualified(sequence.schema, sequence.name)} OWNED BY ${table}.${column};`);
    }
  }
  for (const fn of lateFunctions) {
    const sql = createFunction(fn);
    if (sql) out.push(sql);
  }
  const newViews = orderViews(to.views.filter((view) => !had.views.has(keyOf(view))));
  for (const view of newViews) {
    out.push(createView(view));
    for (const index of view.indexes) out.push(indexIfNotExists(index.definition));
  }
  for (const table of newTables) for (const trigger of table.triggers) out.push(...createTrigger(table, trigger));
  for (const view of newViews) for (const trigger of view.triggers) out.push(...createTrigger(view, trigger));
  for (const table of newTables) {
    out.push(...rlsChanges(table, { enabled: false, forced: false }));
    for (const policy of table.policies) out.push(createPolicy(table, policy));
  }

  const drops = options.safe ? [] : dropStatements(from, to);
  // What was not created above (aggregates, which the snapshot cannot print, and foreign
  // tables, whose server it does not keep) gets no grants or comments either.
  const created: Snapshot = {
    ...to,
    tables: to.tables.filter((table) => had.tables.has(keyOf(table)) || table.kind !== "foreign table"),
    functions: to.functions.filter((fn) => had.functions.has(fn.signature) || fn.definition !== null),
  };
  return [...out, ...drops, ...alterStatements(from, to), ...grantStatements(from, created), ...commentStatements(from, created)];
}
