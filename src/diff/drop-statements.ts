import type { Snapshot, TableSnapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { routineSignature, supportFunctionsOf } from "./aggregate-statements.js";
import { needsRelations, orderTypes, orderViews, routineKeyword } from "./object-statements.js";
import { destructive, mentionsAnyOf, orderByDependencies, qualified, regclassName } from "./sql-text.js";
import { allReplacedParts, parentsOf, type ReplacedParts } from "./table-statements.js";
import { droppedAttributes } from "./type-changes.js";

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/** A name as quote_ident prints it, back to the name. */
function unquoteIdent(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** How `dropStatements` treats views to rebuild and destructive drops. */
export interface DropStatementsOptions {
  /** Views both sides have that are dropped here and created again later (`viewsToRebuild`); not destructive. */
  rebuiltViews?: ReadonlySet<string>;
  /** Routines both sides have that are dropped here and created again later (`routinesToRecreate`); not destructive. */
  recreatedRoutines?: ReadonlySet<string>;
  /** Leave out the destructive drops; the drops of rebuilt views and recreated routines stay. */
  safe?: boolean;
  /** `allReplacedParts(from, to)`, when the caller has it. */
  replaced?: ReadonlyMap<string, ReplacedParts>;
}

/**
 * DROP statements for what only `from` has, each marked `-- destructive:`: dependants before
 * what they depend on (policies, triggers, views in reverse order, foreign keys, indexes,
 * constraints, columns, tables children first, routines, sequences, types, extensions, schemas).
 * Parts of a dropped table are dropped with it. Views to rebuild are dropped among the others,
 * unmarked: a view holds no data.
 */
export function dropStatements(from: Snapshot, to: Snapshot, options: DropStatementsOptions = {}): string[] {
  const all = allDrops(from, to, {
    rebuiltViews: options.rebuiltViews ?? new Set(),
    recreatedRoutines: options.recreatedRoutines ?? new Set(),
    replaced: options.replaced ?? allReplacedParts(from, to),
  });
  return options.safe ? all.filter((statement) => !statement.startsWith("-- destructive:")) : all;
}

function allDrops(
  from: Snapshot,
  to: Snapshot,
  { rebuiltViews, recreatedRoutines, replaced }: Required<Omit<DropStatementsOptions, "safe">>,
): string[] {
  const out: string[] = [];
  const toTables = new Map(to.tables.map((table) => [keyOf(table), table]));
  const kept = from.tables.flatMap((table): [TableSnapshot, TableSnapshot][] => {
    const after = toTables.get(keyOf(table));
    return after ? [[table, after]] : [];
  });
  const partsOf = (table: TableSnapshot) => replaced.get(keyOf(table))!;
  for (const [before, after] of kept) {
    const name = qualified(before.schema, before.name);
    for (const policy of before.policies) {
      const sql = `DROP POLICY ${quoteIdent(policy.name)} ON ${name};`;
      if (partsOf(before).policies.has(policy.name)) out.push(sql);
      else if (!after.policies.some((other) => other.name === policy.name))
        out.push(destructive(`policy ${policy.name} on ${keyOf(before)}`, sql));
    }
    for (const trigger of before.triggers) {
      const sql = `DROP TRIGGER ${quoteIdent(trigger.name)} ON ${name};`;
      if (partsOf(before).triggers.has(trigger.name)) out.push(sql);
      else if (!after.triggers.some((other) => other.name === trigger.name))
        out.push(destructive(`trigger ${trigger.name} on ${keyOf(before)}`, sql));
    }
  }
  const toViews = new Set(to.views.map(keyOf));
  for (const view of orderViews(from.views).reverse()) {
    const rebuilt = rebuiltViews.has(keyOf(view));
    if (toViews.has(keyOf(view)) && !rebuilt) continue;
    const sql = `DROP ${view.kind === "view" ? "VIEW" : "MATERIALIZED VIEW"} ${qualified(view.schema, view.name)};`;
    out.push(rebuilt ? sql : destructive(`${view.kind} ${keyOf(view)}`, sql));
  }
  const constraintDrops = (type: "fk" | "other") =>
    kept.flatMap(([before, after]) =>
      before.constraints
        .filter((constraint) => (constraint.type === "foreign key") === (type === "fk"))
        .flatMap((constraint) => {
          const sql = `ALTER TABLE ${qualified(before.schema, before.name)} DROP CONSTRAINT ${quoteIdent(constraint.name)};`;
          if (partsOf(before).constraints.has(constraint.name)) return [sql];
          if (after.constraints.some((other) => other.name === constraint.name)) return [];
          return [destructive(`constraint ${constraint.name} on ${keyOf(before)}`, sql)];
        }),
    );
  out.push(...constraintDrops("fk"));
  // The foreign keys of dropped tables go now too: they may reference a key or a column dropped
  // below (DROP CONSTRAINT and DROP COLUMN refuse while they exist), or each other in a cycle.
  const dropped = from.tables.filter((table) => !toTables.has(keyOf(table)));
  for (const table of dropped) {
    for (const constraint of table.constraints) {
      if (constraint.foreign_key) {
        out.push(
          destructive(
            `constraint ${constraint.name} on ${keyOf(table)}`,
            `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(constraint.name)};`,
          ),
        );
      }
    }
  }
  for (const [before, after] of kept) {
    for (const index of before.indexes) {
      if (index.constraint !== null) continue;
      const sql = `DROP INDEX ${qualified(before.schema, index.name)};`;
      if (partsOf(before).indexes.has(index.name)) out.push(sql);
      else if (!after.indexes.some((other) => other.name === index.name))
        out.push(destructive(`index ${before.schema}.${index.name}`, sql));
    }
  }
  out.push(...constraintDrops("other"));
  const columnNames = (table: TableSnapshot) => new Set(table.columns.map((column) => column.name));
  const droppedColumns = new Set<string>();
  for (const [before, after] of kept) {
    const keeps = columnNames(after);
    for (const column of before.columns) {
      if (!keeps.has(column.name)) {
        droppedColumns.add(`${regclassName(before.schema, before.name)}\u0000${column.name}`);
      }
    }
  }
  // A sequence both sides have whose column goes (a renamed serial column) must not go with it.
  const toSequences = new Set(to.sequences.map(keyOf));
  const ownerOf = (ownedBy: string): string => {
    const cut = ownedBy.lastIndexOf(".");
    return `${ownedBy.slice(0, cut)}\u0000${unquoteIdent(ownedBy.slice(cut + 1))}`;
  };
  for (const sequence of from.sequences) {
    if (sequence.owned_by && toSequences.has(keyOf(sequence)) && droppedColumns.has(ownerOf(sequence.owned_by))) {
      out.push(`ALTER SEQUENCE ${qualified(sequence.schema, sequence.name)} OWNED BY NONE;`);
    }
  }
  for (const [before, after] of kept) {
    const keeps = columnNames(after);
    // Generated columns first: DROP COLUMN refuses a column a generated column is computed from.
    const columns = [...before.columns].sort((x, y) => Number(y.generated !== null) - Number(x.generated !== null));
    for (const column of columns) {
      const sql = `ALTER TABLE ${qualified(before.schema, before.name)} DROP COLUMN ${quoteIdent(column.name)};`;
      if (!keeps.has(column.name)) out.push(destructive(`column ${keyOf(before)}.${column.name} and its data`, sql));
      // Added again with its new expression; its values are computed again.
      else if (partsOf(before).columns.has(column.name)) out.push(sql);
    }
  }
  // Routines whose arguments or result name a dropped table's row type go before the table
  // (DROP TABLE refuses while they exist), with the aggregates that call them. Aggregates go
  // before other routines: DROP FUNCTION refuses a support function while its aggregate exists.
  const droppedNames = new Set(dropped.map((table) => regclassName(table.schema, table.name)));
  const toFunctions = new Set(to.functions.map((fn) => fn.signature));
  const droppedFunctions = from.functions
    .filter((fn) => !toFunctions.has(fn.signature))
    .sort((x, y) => Number(y.kind === "aggregate") - Number(x.kind === "aggregate"));
  const namesDropped = mentionsAnyOf(dropped);
  const needTables = new Set(droppedFunctions.filter((fn) => needsRelations(fn, namesDropped)).map((fn) => fn.signature));
  for (const fn of droppedFunctions) {
    if (supportFunctionsOf(fn).some((signature) => needTables.has(signature))) needTables.add(fn.signature);
  }
  const early = droppedFunctions.filter((fn) => needTables.has(fn.signature));
  const dropRoutine = (fn: (typeof droppedFunctions)[number]) =>
    destructive(`${fn.kind} ${fn.signature}`, `DROP ${routineKeyword(fn)} ${routineSignature(fn)};`);
  for (const fn of early) out.push(dropRoutine(fn));
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
    if (!early.includes(fn)) out.push(dropRoutine(fn));
  }
  // Created again with the other changes to routines: it holds no data.
  for (const fn of from.functions) {
    if (recreatedRoutines.has(fn.signature)) out.push(`DROP ${routineKeyword(fn)} ${routineSignature(fn)};`);
  }
  for (const sequence of from.sequences) {
    if (toSequences.has(keyOf(sequence))) continue;
    // A sequence owned by a column (serial) goes with its table or its column.
    if (sequence.owned_by) {
      const owner = ownerOf(sequence.owned_by);
      if (droppedNames.has(owner.slice(0, owner.indexOf("\u0000"))) || droppedColumns.has(owner)) continue;
    }
    out.push(destructive(`sequence ${keyOf(sequence)}`, `DROP SEQUENCE ${qualified(sequence.schema, sequence.name)};`));
  }
  const toTypes = new Map(to.types.map((type) => [keyOf(type), type]));
  // Before the types they may be of.
  for (const type of from.types) {
    const after = toTypes.get(keyOf(type));
    if (after) out.push(...droppedAttributes(type, after));
  }
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
