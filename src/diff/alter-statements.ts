import { isDeepStrictEqual } from "node:util";
import type { ColumnSnapshot, Snapshot, TableSnapshot } from "../model/snapshot.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";
import { aggregateChanged, createAggregate } from "./aggregate-statements.js";
import { indexBy } from "./index-by.js";
import { createFunction } from "./object-statements.js";
import { indexIfNotExists, qualified } from "./sql-text.js";
import {
  addConstraint,
  allReplacedParts,
  columnDefinition,
  createPolicy,
  createTrigger,
  type ReplacedParts,
  rlsChanges,
} from "./table-statements.js";
import { typeChanges } from "./type-changes.js";

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/** ALTER COLUMN statements for a column both sides have. */
function columnChanges(table: string, before: ColumnSnapshot, after: ColumnSnapshot): string[] {
  const out: string[] = [];
  const target = `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(after.name)}`;
  if (!isDeepStrictEqual(before.generated, after.generated) || before.identity !== after.identity) {
    if (before.identity && !after.identity) out.push(`${target} DROP IDENTITY;`);
    if (before.generated && !after.generated) out.push(`${target} DROP EXPRESSION;`);
  }
  if (before.type !== after.type || before.collation !== after.collation) {
    const collate = after.collation ? ` COLLATE ${after.collation}` : "";
    // A generated column is computed again from its expression; PostgreSQL refuses USING there.
    const using = after.generated ? "" : ` USING ${quoteIdent(after.name)}::${after.type}`;
    out.push(`${target} TYPE ${after.type}${collate}${using};`);
  }
  if (before.default !== after.default && !after.generated) {
    out.push(after.default === null ? `${target} DROP DEFAULT;` : `${target} SET DEFAULT ${after.default};`);
  }
  if (before.not_null !== after.not_null && !after.identity) out.push(`${target} ${after.not_null ? "SET" : "DROP"} NOT NULL;`);
  if (after.identity && before.identity !== after.identity) {
    const kind = after.identity === "always" ? "ALWAYS" : "BY DEFAULT";
    out.push(before.identity ? `${target} SET GENERATED ${kind};` : `${target} ADD GENERATED ${kind} AS IDENTITY;`);
  }
  return out;
}

/**
 * Changes to a table both sides have: columns, keys and checks, indexes, triggers, RLS,
 * policies. Parts that cannot be altered in place were dropped with the drops
 * (`replacedParts`); they are created here.
 */
function tableChanges(before: TableSnapshot, after: TableSnapshot, replaced: ReplacedParts): { main: string[]; foreignKeys: string[] } {
  const name = qualified(after.schema, after.name);
  const main: string[] = [];
  const foreignKeys: string[] = [];
  const columnsBefore = indexBy(before.columns, (column) => column.name);
  const inOrder = [...after.columns].sort((x, y) => x.position - y.position);
  for (const column of inOrder) {
    const was = columnsBefore.get(column.name);
    if (!was) main.push(`ALTER TABLE ${name} ADD COLUMN ${columnDefinition(column)};`);
    else if (!replaced.columns.has(column.name)) main.push(...columnChanges(name, was, column));
  }
  // After the other columns' new types, which their expressions may use.
  for (const column of inOrder) {
    if (replaced.columns.has(column.name)) main.push(`ALTER TABLE ${name} ADD COLUMN ${columnDefinition(column)};`);
  }
  for (const constraint of after.constraints) {
    const had = before.constraints.some((other) => other.name === constraint.name);
    if (had && !replaced.constraints.has(constraint.name)) continue;
    (constraint.type === "foreign key" ? foreignKeys : main).push(addConstraint(after, constraint));
  }
  for (const index of after.indexes) {
    if (index.constraint !== null) continue;
    const had = before.indexes.some((other) => other.name === index.name && other.constraint === null);
    if (had && !replaced.indexes.has(index.name)) continue;
    main.push(indexIfNotExists(index.definition));
  }
  for (const trigger of after.triggers) {
    const had = before.triggers.some((other) => other.name === trigger.name);
    if (had && !replaced.triggers.has(trigger.name)) continue;
    main.push(...createTrigger(after, trigger));
  }
  main.push(...rlsChanges(after, before.rls));
  for (const policy of after.policies) {
    const had = before.policies.some((other) => other.name === policy.name);
    if (had && !replaced.policies.has(policy.name)) continue;
    main.push(createPolicy(after, policy));
  }
  return { main, foreignKeys };
}

/**
 * Changes to objects both snapshots have: new enum labels, domains and composite types
 * (`typeChanges`), sequence parameters, table parts
 * (ADD COLUMN, ALTER COLUMN TYPE/DEFAULT/NOT NULL/identity, constraints and indexes whose
 * definition changed are added again after `dropStatements` dropped them, triggers and
 * policies likewise) and routines (CREATE OR REPLACE from pg_get_functiondef; aggregates after
 * the functions, with CREATE OR REPLACE AGGREGATE). Views are `viewStatements`'s.
 */
export function alterStatements(from: Snapshot, to: Snapshot, replaced = allReplacedParts(from, to)): string[] {
  const out: string[] = [];
  const fromTypes = indexBy(from.types, keyOf);
  for (const type of to.types) {
    const was = fromTypes.get(keyOf(type));
    if (!was) continue;
    if (type.kind !== "enum" || was.kind !== "enum") {
      out.push(...typeChanges(was, type));
      continue;
    }
    type.labels.forEach((label, index) => {
      if (was.labels.includes(label)) return;
      const place =
        index > 0
          ? ` AFTER ${quoteLiteral(type.labels[index - 1] ?? "")}`
          : type.labels[1]
            ? ` BEFORE ${quoteLiteral(type.labels[1])}`
            : "";
      out.push(`ALTER TYPE ${qualified(type.schema, type.name)} ADD VALUE ${quoteLiteral(label)}${place};`);
    });
  }
  const fromSequences = indexBy(from.sequences, keyOf);
  for (const sequence of to.sequences) {
    const was = fromSequences.get(keyOf(sequence));
    if (!was) continue;
    const changes: string[] = [];
    if (was.type !== sequence.type) changes.push(`AS ${sequence.type}`);
    if (was.increment !== sequence.increment) changes.push(`INCREMENT BY ${sequence.increment}`);
    if (was.min !== sequence.min) changes.push(`MINVALUE ${sequence.min}`);
    if (was.max !== sequence.max) changes.push(`MAXVALUE ${sequence.max}`);
    if (was.start !== sequence.start) changes.push(`START WITH ${sequence.start}`);
    if (was.cache !== sequence.cache) changes.push(`CACHE ${sequence.cache}`);
    if (was.cycle !== sequence.cycle) changes.push(sequence.cycle ? "CYCLE" : "NO CYCLE");
    if (changes.length > 0) out.push(`ALTER SEQUENCE ${qualified(sequence.schema, sequence.name)} ${changes.join(" ")};`);
  }
  const foreignKeys: string[] = [];
  const fromTables = indexBy(from.tables, keyOf);
  for (const table of to.tables) {
    const was = fromTables.get(keyOf(table));
    if (!was) continue;
    // allReplacedParts holds every table both sides have.
    const changes = tableChanges(was, table, replaced.get(keyOf(was))!);
    out.push(...changes.main);
    foreignKeys.push(...changes.foreignKeys);
  }
  out.push(...foreignKeys);
  const aggregates: string[] = [];
  const fromFunctions = indexBy(from.functions, (fn) => fn.signature);
  for (const fn of to.functions) {
    const was = fromFunctions.get(fn.signature);
    if (!was) continue;
    if (fn.kind === "aggregate") {
      const sql = aggregateChanged(was, fn) ? createAggregate(fn, { replace: true }) : null;
      if (sql) aggregates.push(sql);
      continue;
    }
    if (was.definition === fn.definition) continue;
    const sql = createFunction(fn);
    if (sql) out.push(sql);
  }
  out.push(...aggregates);
  return out;
}
