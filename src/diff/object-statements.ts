import { isDeepStrictEqual } from "node:util";
import type { ColumnSnapshot, FunctionSnapshot, SequenceSnapshot, Snapshot, TypeSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";
import { createAggregate } from "./aggregate-statements.js";
import { indexBy } from "./index-by.js";
import { indexIfNotExists, mentionedAmong, mentionsAnyOf, orderByDependencies, qualified } from "./sql-text.js";
import { allReplacedParts, retypedColumns } from "./table-statements.js";
import { attributesInOrder, attributeType } from "./type-changes.js";

/** CREATE TYPE / CREATE DOMAIN for one type of the snapshot. */
export function createType(type: TypeSnapshot): string[] {
  const name = qualified(type.schema, type.name);
  switch (type.kind) {
    case "enum":
      return [`CREATE TYPE ${name} AS ENUM (${type.labels.map(quoteLiteral).join(", ")});`];
    case "range":
      return [`CREATE TYPE ${name} AS RANGE (SUBTYPE = ${type.subtype});`];
    case "composite": {
      const attributes = attributesInOrder(type.attributes).map((attribute) => `${quoteIdent(attribute.name)} ${attributeType(attribute)}`);
      return [`CREATE TYPE ${name} AS (${attributes.join(", ")});`];
    }
    case "domain": {
      const parts = [`CREATE DOMAIN ${name} AS ${type.base_type}`];
      if (type.collation) parts.push(`COLLATE ${type.collation}`);
      if (type.default !== null) parts.push(`DEFAULT ${type.default}`);
      if (type.not_null) parts.push("NOT NULL");
      const statements = [`${parts.join(" ")};`];
      for (const constraint of type.constraints) {
        statements.push(`ALTER DOMAIN ${name} ADD CONSTRAINT ${quoteIdent(constraint.name)} ${constraint.definition};`);
      }
      return statements;
    }
  }
}

/** Types in creation order: a type whose definition names another comes after it. */
export function orderTypes(types: readonly TypeSnapshot[]): TypeSnapshot[] {
  const textOf = (type: TypeSnapshot): string => {
    if (type.kind === "domain") return type.base_type;
    if (type.kind === "composite") return type.attributes.map((a) => a.type).join(" ");
    if (type.kind === "range") return type.subtype;
    return "";
  };
  const mentionedIn = mentionedAmong(types);
  return orderByDependencies(
    types,
    (type) => `${type.schema}.${type.name}`,
    (type) =>
      mentionedIn(textOf(type))
        .filter((other) => other !== type)
        .map((o) => `${o.schema}.${o.name}`),
  );
}

/** CREATE SEQUENCE with every parameter; `OWNED BY` comes later, once its table exists. */
export function createSequence(sequence: SequenceSnapshot): string {
  const unlogged = sequence.persistence === "unlogged" ? "UNLOGGED " : "";
  const cycle = sequence.cycle ? "CYCLE" : "NO CYCLE";
  return `CREATE ${unlogged}SEQUENCE ${qualified(sequence.schema, sequence.name)} AS ${sequence.type} INCREMENT BY ${sequence.increment} MINVALUE ${sequence.min} MAXVALUE ${sequence.max} START WITH ${sequence.start} CACHE ${sequence.cache} ${cycle};`;
}

/**
 * pg_get_functiondef output, a statement of its own (it ends without a semicolon), or CREATE
 * AGGREGATE for an aggregate. Null when the snapshot cannot make the routine again (an
 * aggregate in a snapshot written before aggregates were read).
 */
export function createFunction(fn: FunctionSnapshot): string | null {
  if (fn.kind === "aggregate") return createAggregate(fn);
  return fn.definition === null ? null : `${fn.definition.trimEnd()};`;
}

/** True when the snapshot holds what it takes to create the routine (see `createFunction`). */
export function canCreate(fn: FunctionSnapshot): boolean {
  return fn.kind === "aggregate" ? fn.aggregate !== undefined : fn.definition !== null;
}

/**
 * True when a function cannot be created before the tables and views: its arguments or result
 * name one of the relations (`namesRelation`: `mentionsAnyOf(relations)`, made once for many
 * functions), or its body is SQL-standard (`BEGIN ATOMIC`, `RETURN`), which PostgreSQL resolves
 * at creation even with check_function_bodies off.
 */
export function needsRelations(fn: FunctionSnapshot, namesRelation: (text: string) => boolean): boolean {
  if (fn.definition !== null && /\n\s*(BEGIN ATOMIC|RETURN )/i.test(fn.definition) && !/\nAS /.test(fn.definition)) return true;
  // An aggregate's state may be a table's row type too.
  const signature = `${fn.arguments} ${fn.result ?? ""} ${fn.aggregate?.state_type ?? ""} ${fn.aggregate?.moving?.state_type ?? ""}`;
  return namesRelation(signature);
}

/**
 * Views in creation order. The snapshot keeps no dependency list, so a view depends on every
 * other view its definition names (schema-qualified, as pg_get_viewdef prints it with an empty
 * search_path); views that name none keep their (name) order.
 */
export function orderViews(views: readonly ViewSnapshot[]): ViewSnapshot[] {
  const mentionedIn = mentionedAmong(views);
  return orderByDependencies(
    views,
    (view) => `${view.schema}.${view.name}`,
    (view) =>
      mentionedIn(view.definition)
        .filter((other) => other !== view)
        .map((o) => `${o.schema}.${o.name}`),
  );
}

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/** True when `after` keeps every column of `before` in place (name, type, collation) and only adds some at the end. */
function extendsColumns(before: readonly ColumnSnapshot[], after: readonly ColumnSnapshot[]): boolean {
  const ordered = (columns: readonly ColumnSnapshot[]) => [...columns].sort((x, y) => x.position - y.position);
  const [was, is] = [ordered(before), ordered(after)];
  return (
    was.length <= is.length &&
    was.every((column, index) => {
      const other = is[index];
      return other !== undefined && other.name === column.name && other.type === column.type && other.collation === column.collation;
    })
  );
}

/**
 * Views both snapshots have that must be dropped and created again rather than replaced:
 * `CREATE OR REPLACE VIEW` can only add columns at the end (it refuses to drop, rename or
 * retype one), a materialized view cannot be replaced at all, `ALTER COLUMN TYPE` refuses a
 * column a view uses (so every view naming a table with a retyped or regenerated column goes, which may be
 * more than PostgreSQL's per-column dependencies need), a changed view naming a table that
 * loses a column may still use it (DROP COLUMN refuses that), and a view calling a routine that is
 * dropped and created again (`routinesToRecreate`) would keep DROP FUNCTION from running. Views naming a rebuilt view go too,
 * since DROP VIEW refuses while they exist. Keys are `schema.name`.
 */
export function viewsToRebuild(
  from: Snapshot,
  to: Snapshot,
  replaced = allReplacedParts(from, to),
  recreatedRoutines: ReadonlySet<string> = new Set(),
): Set<string> {
  const toViews = new Map(to.views.map((view) => [keyOf(view), view]));
  const fromTables = indexBy(from.tables, keyOf);
  const toTables = indexBy(to.tables, keyOf);
  // A regenerated column is dropped and added again: DROP COLUMN refuses while a view uses it.
  const retypedTables = to.tables.filter((table) => {
    const was = fromTables.get(keyOf(table));
    if (!was) return false;
    return retypedColumns(was, table).length > 0 || (replaced.get(keyOf(was))?.columns.size ?? 0) > 0;
  });
  const shrunkTables = from.tables.filter((table) => {
    const is = toTables.get(keyOf(table));
    if (is === undefined) return false;
    const columns = new Set(is.columns.map((column) => column.name));
    return table.columns.some((column) => !columns.has(column.name));
  });
  const namesRetyped = mentionsAnyOf(retypedTables);
  const namesShrunk = mentionsAnyOf(shrunkTables);
  // DROP FUNCTION refuses a routine a view calls.
  const namesRecreated = mentionsAnyOf(from.functions.filter((fn) => recreatedRoutines.has(fn.signature)));
  const rebuilt = new Set<string>();
  for (const was of from.views) {
    const view = toViews.get(keyOf(was));
    if (!view) continue;
    const changed = was.definition !== view.definition || !isDeepStrictEqual(was.options, view.options);
    if (
      was.kind !== view.kind ||
      (view.kind === "materialized view" && changed) ||
      !extendsColumns(was.columns, view.columns) ||
      namesRetyped(was.definition) ||
      namesRecreated(was.definition) ||
      // The old query may use a column that goes (renamed, say): DROP COLUMN refuses that.
      (changed && namesShrunk(was.definition))
    ) {
      rebuilt.add(keyOf(was));
    }
  }
  // Each view's definition is read once: the views it names are looked up in every round.
  const mentionedIn = mentionedAmong(from.views);
  const namedViews = new Map(from.views.map((view) => [view, mentionedIn(view.definition)]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const was of from.views) {
      if (rebuilt.has(keyOf(was)) || !toViews.has(keyOf(was))) continue;
      if (namedViews.get(was)?.some((other) => rebuilt.has(keyOf(other)))) {
        rebuilt.add(keyOf(was));
        grew = true;
      }
    }
  }
  return rebuilt;
}

/**
 * The views of `to` that are new, rebuilt (see `viewsToRebuild`; dropped earlier) or changed,
 * each after the views it names: CREATE VIEW (and a materialized view's indexes) for the first
 * two, CREATE OR REPLACE VIEW for the others. Runs after every table change, since a view may
 * select a column added or retyped by the diff.
 */
export function viewStatements(from: Snapshot, to: Snapshot, rebuilt: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const fromViews = new Map(from.views.map((view) => [keyOf(view), view]));
  const changed = to.views.filter((view) => {
    const was = fromViews.get(keyOf(view));
    return !was || rebuilt.has(keyOf(view)) || was.definition !== view.definition || !isDeepStrictEqual(was.options, view.options);
  });
  for (const view of orderViews(changed)) {
    if (fromViews.has(keyOf(view)) && !rebuilt.has(keyOf(view))) {
      out.push(createView(view).replace(/^CREATE VIEW/, "CREATE OR REPLACE VIEW"));
      continue;
    }
    out.push(createView(view));
    for (const index of view.indexes) out.push(indexIfNotExists(index.definition));
  }
  return out;
}

/** CREATE VIEW or CREATE MATERIALIZED VIEW (`WITH NO DATA` when it was never refreshed). */
export function createView(view: ViewSnapshot): string {
  const name = qualified(view.schema, view.name);
  const options = view.options.length > 0 ? ` WITH (${view.options.join(", ")})` : "";
  const query = view.definition.trim().replace(/;$/, "");
  if (view.kind === "view") return `CREATE VIEW ${name}${options} AS\n${query};`;
  return `CREATE MATERIALIZED VIEW ${name}${options} AS\n${query}\nWITH ${view.is_populated === false ? "NO " : ""}DATA;`;
}

/** The keyword COMMENT ON, DROP and ALTER use for a routine (GRANT has no AGGREGATE: see `grantKeyword`). */
export function routineKeyword(fn: FunctionSnapshot): string {
  return fn.kind === "procedure" ? "PROCEDURE" : fn.kind === "aggregate" ? "AGGREGATE" : "FUNCTION";
}

/** The keyword GRANT and REVOKE use for a routine: an aggregate is granted on as a FUNCTION. */
export function grantKeyword(fn: FunctionSnapshot): string {
  return fn.kind === "procedure" ? "PROCEDURE" : "FUNCTION";
}
