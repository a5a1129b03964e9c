import type { Snapshot, TableSnapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { needsRelations, orderTypes, orderViews, routineKeyword } from "./object-statements.js";
import { destructive, orderByDependencies, qualified, regclassName } from "./sql-text.js";
import { parentsOf } from "./table-statements.js";

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/**
 * DROP statements for what only `from` has, each marked `-- destructive:`: dependants before
 * what they depend on (policies, triggers, views in reverse order, foreign keys, indexes,
 * constraints, columns, tables children first, routines, sequences, types, extensions, schemas).
 * Parts of a dropped table are dropped with it.
 */
export function dropStatements(from: Snapshot, to: Snapshot): string[] {
  const out: string[] = [];
  const toTables = new Map(to.tables.map((table) => [keyOf(table), table]));
  const kept = from.tables.flatMap((table): [TableSnapshot, TableSnapshot][] => {
    const after = toTables.get(keyOf(table));
    return after ? [[table, after]] : [];
  });
  for (const [before, after] of kept) {
    const name = qualified(before.schema, before.name);
    for (const policy of before.policies) {
      if (!after.policies.some((other) => other.name === policy.name)) {
        out.push(destructive(`policy ${policy.name} on ${keyOf(before)}`, `DROP POLICY ${quoteIdent(policy.name)} ON ${name};`));
      }
    }
    for (const trigger of before.triggers) {
      if (!after.triggers.some((other) => other.name === trigger.name)) {
        out.push(destructive(`trigger ${trigger.name} on ${keyOf(before)}`, `DROP TRIGGER ${quoteIdent(trigger.name)} ON ${name};`));
      }
    }
  }
  const toViews = new Set(to.views.map(keyOf));
  for (const view of orderViews(from.views).reverse()) {
    if (toViews.has(keyOf(view))) continue;
    const kind = view.kind === "view" ? "VIEW" : "MATERIALIZED VIEW";
    out.push(destructive(`${view.kind} ${keyOf(view)}`, `DROP ${kind} ${qualified(view.schema, view.name)};`));
  }
  const constraintDrops = (type: "fk" | "other") =>
    kept.flatMap(([before, after]) =>
      before.constraints
        .filter((constraint) => (constraint.type === "foreign key") === (type === "fk"))
        .filter((constraint) => !after.constraints.some((other) => other.name === constraint.name))
        .map((constraint) =>
          destructive(
            `constraint ${constraint.name} on ${keyOf(before)}`,
            `ALTER TABLE ${qualified(before.schema, before.name)} DROP CONSTRAINT ${quoteIdent(constraint.name)};`,
          ),
        ),
    );
  out.push(...constraintDrops("fk"));
  for (const [before, after] of kept) {
    for (const index of before.indexes) {
      if (index.constraint === null && !after.indexes.some((other) => other.name === index.name)) {
        out.push(destructive(`index ${before.schema}.${index.name}`, `DROP INDEX ${qualified(before.schema, index.name)};`));
      }
    }
  }
  out.push(...constraintDrops("other"));
  for (const [before, after] of kept) {
    for (const column of before.columns) {
      if (!after.columns.some((other) => other.name === column.name)) {
        out.push(
          destructive(
            `column ${keyOf(before)}.${column.name} and its data`,
            `ALTER TABLE ${qualified(before.schema, before.name)} DROP COLUMN ${quoteIdent(column.name)};`,
          ),
        );
      }
    }
  }
  // Foreign keys between dropped tables go first (they may form a cycle), and routines whose
  // arguments or result name a dropped table's row type (DROP TABLE refuses while they exist).
  const dropped = from.tables.filter((table) => !toTables.has(keyOf(table)));
  const droppedNames = new Set(dropped.map((table) => regclassName(table.schema, table.name)));
  for (const table of dropped) {
    for (const constraint of table.constraints) {
      if (constraint.foreign_key && droppedNames.has(constraint.foreign_key.table)) {
        out.push(
          destructive(
            `constraint ${constraint.name} on ${keyOf(table)}`,
            `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(constraint.name)};`,
          ),
        );
      }
    }
  }
  const toFunctions = new Set(to.functions.map((fn) => fn.signature));
  const droppedFunctions = from.functions.filter((fn) => !toFunctions.has(fn.signature));
  const early = droppedFunctions.filter((fn) => needsRelations(fn, dropped) && fn.definition !== null);
  for (const fn of early) out.push(destructive(`${fn.kind} ${fn.signature}`, `DROP ${routineKeyword(fn)} ${fn.signature};`));
  // A table goes after the tables that reference it and its partitions and children.
  const referenced = (table: TableSnapshot) =>
    table.constraints.flatMap((constraint) => (constraint.foreign_key ? [constraint.foreign_key.table] : []));
  const tables = orderByDependencies(
    from.tables,
    (table) => regclassName(table.schema, table.name),
    (table) => [...parentsOf(table), ...referenced(table)],
  ).reverse();
  for (const table of tables) {
    if (toTables.has(keyOf(table))) continue;
    const kind = table.kind === "foreign table" ? "FOREIGN TABLE" : "TABLE";
    out.push(destructive(`${table.kind} ${keyOf(table)} and its data`, `DROP ${kind} ${qualified(table.schema, table.name)};`));
  }
  for (const fn of droppedFunctions) {
    if (!early.includes(fn)) out.push(destructive(`${fn.kind} ${fn.signature}`, `DROP ${routineKeyword(fn)} ${fn.signature};`));
  }
  const toSequences = new Set(to.sequences.map(keyOf));
  for (const sequence of from.sequences) {
    if (toSequences.has(keyOf(sequence))) continue;
    // A sequence owned by a dropped table's column (serial) goes with the table.
    const owner = sequence.owned_by?.slice(0, sequence.owned_by.lastIndexOf("."));
    if (owner && droppedNames.has(owner)) continue;
    out.push(destructive(`sequence ${keyOf(sequence)}`, `DROP SEQUENCE ${qualified(sequence.schema, sequence.name)};`));
  }
  const toTypes = new Set(to.types.map(keyOf));
  for (const type of orderTypes(from.types).reverse()) {
    if (toTypes.has(keyOf(type))) continue;
    const kind = type.kind === "domain" ? "DOMAIN" : "TYPE";
    out.push(destructive(`${type.kind} ${keyOf(type)}`, `DROP ${kind} ${qualified(type.schema, type.name)};`));
  }
  const toExtensions = new Set(to.extensions.map((extension) => extension.name));
  for (const extension of from.extensions) {
    if (!toExtensions.has(extension.name))
      out.push(destructive(`extension ${extension.name}`, `DROP EXTENSION ${quoteIdent(extension.name)};`));
  }
  const toSchemas = new Set(to.schemas.map((schema) => schema.name));
  for (const schema of from.schemas) {
    if (!toSchemas.has(schema.name)) out.push(destructive(`schema ${schema.name}`, `DROP SCHEMA ${quoteIdent(schema.name)};`));
  }
  return out;
}
