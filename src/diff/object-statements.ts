import type { FunctionSnapshot, SequenceSnapshot, TypeSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";
import { mentions, orderByDependencies, qualified } from "./sql-text.js";

/** CREATE TYPE / CREATE DOMAIN for one type of the snapshot. */
export function createType(type: TypeSnapshot): string[] {
  const name = qualified(type.schema, type.name);
  switch (type.kind) {
    case "enum":
      return [`CREATE TYPE ${name} AS ENUM (${type.labels.map(quoteLiteral).join(", ")});`];
    case "range":
      return [`CREATE TYPE ${name} AS RANGE (SUBTYPE = ${type.subtype});`];
    case "composite": {
      const attributes = [...type.attributes]
        .sort((x, y) => x.position - y.position)
        .map((a) => `${quoteIdent(a.name)} ${a.type}${a.collation ? ` COLLATE ${a.collation}` : ""}`);
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
  return orderByDependencies(
    types,
    (type) => `${type.schema}.${type.name}`,
    (type) =>
      types.filter((other) => other !== type && mentions(textOf(type), other.schema, other.name)).map((o) => `${o.schema}.${o.name}`),
  );
}

/** CREATE SEQUENCE with every parameter; `OWNED BY` comes later, once its table exists. */
export function createSequence(sequence: SequenceSnapshot): string {
  const unlogged = sequence.persistence === "unlogged" ? "UNLOGGED " : "";
  const cycle = sequence.cycle ? "CYCLE" : "NO CYCLE";
  return `CREATE ${unlogged}SEQUENCE ${qualified(sequence.schema, sequence.name)} AS ${sequence.type} INCREMENT BY ${sequence.increment} MINVALUE ${sequence.min} MAXVALUE ${sequence.max} START WITH ${sequence.start} CACHE ${sequence.cache} ${cycle};`;
}

/** pg_get_functiondef output, a statement of its own (it ends without a semicolon). */
export function createFunction(fn: FunctionSnapshot): string | null {
  return fn.definition === null ? null : `${fn.definition.trimEnd()};`;
}

/**
 * True when a function cannot be created before the tables and views: its arguments or result
 * name one of `relations`, or its body is SQL-standard (`BEGIN ATOMIC`, `RETURN`), which
 * PostgreSQL resolves at creation even with check_function_bodies off.
 */
export function needsRelations(fn: FunctionSnapshot, relations: readonly { schema: string; name: string }[]): boolean {
  if (fn.definition !== null && /\n\s*(BEGIN ATOMIC|RETURN )/i.test(fn.definition) && !/\nAS /.test(fn.definition)) return true;
  const signature = `${fn.arguments} ${fn.result ?? ""}`;
  return relations.some((relation) => mentions(signature, relation.schema, relation.name));
}

/**
 * Views in creation order. The snapshot keeps no dependency list, so a view depends on every
 * other view its definition names (schema-qualified, as pg_get_viewdef prints it with an empty
 * search_path); views that name none keep their (name) order.
 */
export function orderViews(views: readonly ViewSnapshot[]): ViewSnapshot[] {
  return orderByDependencies(
    views,
    (view) => `${view.schema}.${view.name}`,
    (view) =>
      views.filter((other) => other !== view && mentions(view.definition, other.schema, other.name)).map((o) => `${o.schema}.${o.name}`),
  );
}

/** CREATE VIEW or CREATE MATERIALIZED VIEW (`WITH NO DATA` when it was never refreshed). */
export function createView(view: ViewSnapshot): string {
  const name = qualified(view.schema, view.name);
  const options = view.options.length > 0 ? ` WITH (${view.options.join(", ")})` : "";
  const query = view.definition.trim().replace(/;$/, "");
  if (view.kind === "view") return `CREATE VIEW ${name}${options} AS\n${query};`;
  return `CREATE MATERIALIZED VIEW ${name}${options} AS\n${query}\nWITH ${view.is_populated === false ? "NO " : ""}DATA;`;
}

/** The keyword COMMENT ON, GRANT and DROP use for a routine. */
export function routineKeyword(fn: FunctionSnapshot): string {
  return fn.kind === "procedure" ? "PROCEDURE" : fn.kind === "aggregate" ? "AGGREGATE" : "FUNCTION";
}
