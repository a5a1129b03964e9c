import type { ColumnSnapshot, FunctionSnapshot, GrantSnapshot, Snapshot, TableSnapshot, ViewSnapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { routineSignature } from "./aggregate-statements.js";
import { indexBy } from "./index-by.js";
import { grantKeyword, routineKeyword } from "./object-statements.js";
import { commentLiteral, grantChanges, qualified } from "./sql-text.js";

const keyOf = (object: { schema: string; name: string }): string => `${object.schema}.${object.name}`;

/**
 * What a routine created by CREATE FUNCTION is granted (acldefault('f')): EXECUTE to PUBLIC.
 * Tables, views, sequences and schemas other than `public` start with no grants to others.
 */
const routineDefaultGrants: GrantSnapshot[] = [{ grantee: "PUBLIC", privilege: "EXECUTE", grantable: false }];

/**
 * The grants an object had once the owner statements ran: ALTER … OWNER TO merges the new
 * owner's grants into its owner rights (a snapshot lists no owner's grants), so they are gone
 * from what REVOKE and GRANT start from. When the new owner is the database's owner, its name
 * is not known and the grants stay as they were.
 */
function grantsAfterOwnerChange(
  grants: readonly GrantSnapshot[],
  was: { owner?: string } | undefined,
  is: { owner?: string },
): readonly GrantSnapshot[] {
  if (!was || was.owner === is.owner || is.owner === undefined) return grants;
  return grants.filter((grant) => grant.grantee !== is.owner);
}

function columnGrants(
  on: string,
  before: readonly ColumnSnapshot[],
  after: readonly ColumnSnapshot[],
  owners: { was: { owner?: string } | undefined; is: { owner?: string } },
): string[] {
  const columnsBefore = indexBy(before, (column) => column.name);
  return after.flatMap((column) => {
    const had = columnsBefore.get(column.name)?.grants ?? [];
    return grantChanges(on, grantsAfterOwnerChange(had, owners.was, owners.is), column.grants, column.name);
  });
}

/**
 * GRANT and REVOKE statements for every object of `to`, against what it had in `from` (or
 * what PostgreSQL gives a new object). Objects only in `from` are dropped with their grants.
 */
export function grantStatements(from: Snapshot, to: Snapshot): string[] {
  const out: string[] = [];
  const fromSchemas = indexBy(from.schemas, (schema) => schema.name);
  for (const schema of to.schemas) {
    const was = fromSchemas.get(schema.name);
    const before = grantsAfterOwnerChange(was?.grants ?? [], was, schema);
    out.push(...grantChanges(`SCHEMA ${quoteIdent(schema.name)}`, before, schema.grants));
  }
  const fromSequences = indexBy(from.sequences, keyOf);
  for (const sequence of to.sequences) {
    const was = fromSequences.get(keyOf(sequence));
    const before = grantsAfterOwnerChange(was?.grants ?? [], was, sequence);
    out.push(...grantChanges(`SEQUENCE ${qualified(sequence.schema, sequence.name)}`, before, sequence.grants));
  }
  const relations: (TableSnapshot | ViewSnapshot)[] = [...to.tables, ...to.views];
  const fromRelations = indexBy<TableSnapshot | ViewSnapshot>([...from.tables, ...from.views], keyOf);
  for (const relation of relations) {
    const before = fromRelations.get(keyOf(relation));
    const on = `TABLE ${qualified(relation.schema, relation.name)}`;
    out.push(...grantChanges(on, grantsAfterOwnerChange(before?.grants ?? [], before, relation), relation.grants));
    out.push(...columnGrants(on, before?.columns ?? [], relation.columns, { was: before, is: relation }));
  }
  const fromFunctions = indexBy(from.functions, (fn) => fn.signature);
  for (const fn of to.functions) {
    const was = fromFunctions.get(fn.signature);
    const before = grantsAfterOwnerChange(was?.grants ?? routineDefaultGrants, was, fn);
    out.push(...grantChanges(`${grantKeyword(fn)} ${fn.signature}`, before, fn.grants));
  }
  return out;
}

function commentOn(target: string, before: string | null | undefined, after: string | null): string[] {
  return (before ?? null) === after ? [] : [`COMMENT ON ${target} IS ${commentLiteral(after)};`];
}

function relationComments(relation: TableSnapshot | ViewSnapshot, before: TableSnapshot | ViewSnapshot | undefined): string[] {
  const name = qualified(relation.schema, relation.name);
  const kind =
    relation.kind === "view"
      ? "VIEW"
      : relation.kind === "materialized view"
        ? "MATERIALIZED VIEW"
        : relation.kind === "foreign table"
          ? "FOREIGN TABLE"
          : "TABLE";
  const out = commentOn(`${kind} ${name}`, before?.comment, relation.comment);
  const columnsBefore = indexBy(before?.columns ?? [], (column) => column.name);
  for (const column of relation.columns) {
    const was = columnsBefore.get(column.name);
    out.push(...commentOn(`COLUMN ${name}.${quoteIdent(column.name)}`, was?.comment, column.comment));
  }
  for (const index of relation.indexes) {
    const was = before?.indexes.find((other) => other.name === index.name);
    out.push(...commentOn(`INDEX ${qualified(relation.schema, index.name)}`, was?.comment, index.comment));
  }
  for (const trigger of relation.triggers) {
    const was = before?.triggers.find((other) => other.name === trigger.name);
    out.push(...commentOn(`TRIGGER ${quoteIdent(trigger.name)} ON ${name}`, was?.comment, trigger.comment));
  }
  if (!("constraints" in relation)) return out;
  const table = before && "constraints" in before ? before : undefined;
  for (const constraint of relation.constraints) {
    const was = table?.constraints.find((other) => other.name === constraint.name);
    out.push(...commentOn(`CONSTRAINT ${quoteIdent(constraint.name)} ON ${name}`, was?.comment, constraint.comment));
  }
  for (const policy of relation.policies) {
    const was = table?.policies.find((other) => other.name === policy.name);
    out.push(...commentOn(`POLICY ${quoteIdent(policy.name)} ON ${name}`, was?.comment, policy.comment));
  }
  return out;
}

function functionComment(fn: FunctionSnapshot, before: FunctionSnapshot | undefined): string[] {
  return commentOn(`${routineKeyword(fn)} ${routineSignature(fn)}`, before?.comment, fn.comment);
}

/** COMMENT ON statements for every comment of `to` that `from` does not have the same. */
export function commentStatements(from: Snapshot, to: Snapshot): string[] {
  const out: string[] = [];
  const fromSchemas = indexBy(from.schemas, (schema) => schema.name);
  for (const schema of to.schemas) {
    out.push(...commentOn(`SCHEMA ${quoteIdent(schema.name)}`, fromSchemas.get(schema.name)?.comment, schema.comment));
  }
  const fromTypes = indexBy(from.types, keyOf);
  for (const type of to.types) {
    const was = fromTypes.get(keyOf(type));
    out.push(
      ...commentOn(`${type.kind === "domain" ? "DOMAIN" : "TYPE"} ${qualified(type.schema, type.name)}`, was?.comment, type.comment),
    );
  }
  const fromSequences = indexBy(from.sequences, keyOf);
  for (const sequence of to.sequences) {
    const was = fromSequences.get(keyOf(sequence));
    out.push(...commentOn(`SEQUENCE ${qualified(sequence.schema, sequence.name)}`, was?.comment, sequence.comment));
  }
  const fromTables = indexBy(from.tables, keyOf);
  for (const table of to.tables) out.push(...relationComments(table, fromTables.get(keyOf(table))));
  const fromViews = indexBy(from.views, keyOf);
  for (const view of to.views) out.push(...relationComments(view, fromViews.get(keyOf(view))));
  const fromFunctions = indexBy(from.functions, (fn) => fn.signature);
  for (const fn of to.functions) out.push(...functionComment(fn, fromFunctions.get(fn.signature)));
  return out;
}
