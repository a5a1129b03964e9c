import type { FunctionSnapshot, Snapshot, TypeSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { quoteIdent, quoteLiteral } from "../util/quote-ident.js";
import { routineSignature } from "./aggregate-statements.js";
import { indexBy } from "./index-by.js";
import { routineKeyword } from "./object-statements.js";
import { qualified } from "./sql-text.js";

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/**
 * `ALTER <target> OWNER TO <role>`. No `owner` means the database's owner (see `Owned` in
 * src/model/snapshot.ts), whose name the snapshot does not keep: the statement reads it from
 * pg_database where it runs.
 */
function alterOwner(target: string, owner: string | undefined): string {
  if (owner !== undefined) return `ALTER ${target} OWNER TO ${quoteIdent(owner)};`;
  const databaseOwner =
    "(SELECT pg_catalog.pg_get_userbyid(d.datdba) FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())";
  return `DO $drydock$BEGIN EXECUTE ${quoteLiteral(`ALTER ${target} OWNER TO `)} || pg_catalog.quote_ident(${databaseOwner}); END$drydock$;`;
}

/**
 * The owner statement of one object of `to`: a new object whose owner is not the database's
 * (the one running the diff creates it and owns it; when that is the database's owner, nothing
 * is needed), or an object both sides have whose owner differs.
 */
function ownerChange<T extends { owner?: string }>(target: string, was: T | undefined, is: T): string[] {
  if (was === undefined) return is.owner === undefined ? [] : [alterOwner(target, is.owner)];
  return was.owner === is.owner ? [] : [alterOwner(target, is.owner)];
}

function typeKeyword(type: TypeSnapshot): string {
  return type.kind === "domain" ? "DOMAIN" : "TYPE";
}

/**
 * Owners of schemas, types, sequences and tables. They run before `ALTER SEQUENCE … OWNED BY`,
 * which wants the sequence and its table to have one owner. A sequence linked to a column in
 * `from` is left alone: ALTER TABLE … OWNER TO takes it along, and PostgreSQL refuses to give it
 * an owner of its own while linked.
 */
export function storageOwnerStatements(from: Snapshot, to: Snapshot): string[] {
  const out: string[] = [];
  const fromSchemas = indexBy(from.schemas, (schema) => schema.name);
  for (const schema of to.schemas) {
    const was = fromSchemas.get(schema.name);
    out.push(...ownerChange(`SCHEMA ${quoteIdent(schema.name)}`, was, schema));
  }
  const fromTypes = indexBy(from.types, keyOf);
  for (const type of to.types) {
    const was = fromTypes.get(keyOf(type));
    out.push(...ownerChange(`${typeKeyword(type)} ${qualified(type.schema, type.name)}`, was, type));
  }
  const fromTables = indexBy(from.tables, keyOf);
  for (const table of to.tables) {
    const was = fromTables.get(keyOf(table));
    const keyword = table.kind === "foreign table" ? "FOREIGN TABLE" : "TABLE";
    out.push(...ownerChange(`${keyword} ${qualified(table.schema, table.name)}`, was, table));
  }
  const fromSequences = indexBy(from.sequences, keyOf);
  for (const sequence of to.sequences) {
    const was = fromSequences.get(keyOf(sequence));
    if (was?.owned_by) continue;
    out.push(...ownerChange(`SEQUENCE ${qualified(sequence.schema, sequence.name)}`, was, sequence));
  }
  return out;
}

function viewKeyword(view: ViewSnapshot): string {
  return view.kind === "view" ? "VIEW" : "MATERIALIZED VIEW";
}

/**
 * Owners of routines and views, once every one of them exists. `from` holds the views that
 * survive the diff: a rebuilt view is created again, by the one running the diff.
 */
export function routineAndViewOwnerStatements(from: Snapshot, to: Snapshot): string[] {
  const out: string[] = [];
  const fromFunctions = indexBy(from.functions, (fn) => fn.signature);
  for (const fn of to.functions) {
    const was: FunctionSnapshot | undefined = fromFunctions.get(fn.signature);
    out.push(...ownerChange(`${routineKeyword(fn)} ${routineSignature(fn)}`, was, fn));
  }
  const fromViews = indexBy(from.views, keyOf);
  for (const view of to.views) {
    const was = fromViews.get(keyOf(view));
    out.push(...ownerChange(`${viewKeyword(view)} ${qualified(view.schema, view.name)}`, was, view));
  }
  return out;
}
