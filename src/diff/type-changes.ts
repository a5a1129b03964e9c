import { isDeepStrictEqual } from "node:util";
import type { CompositeTypeSnapshot, DomainSnapshot, TypeSnapshot } from "../model/snapshot.js";
import { quoteIdent } from "../util/quote-ident.js";
import { destructive, qualified } from "./sql-text.js";

/**
 * ALTER DOMAIN and ALTER TYPE statements turning a domain or a composite type that both sides
 * have into `to`'s. A domain's default, NOT NULL and named constraints change in place; a
 * changed constraint is dropped and added again, so PostgreSQL checks it against the columns
 * that use the domain. A composite type changes the types of its attributes and gains new ones
 * at the end (CASCADE carries the change to typed tables); the attributes it loses are
 * `droppedAttributes`'. What ALTER cannot do (another base type or collation for a domain,
 * attributes in a new order, a range's subtype) gets no statement: docs/diff.md lists it.
 */
export function typeChanges(was: TypeSnapshot, type: TypeSnapshot): string[] {
  if (was.kind === "domain" && type.kind === "domain") return domainChanges(was, type);
  if (was.kind === "composite" && type.kind === "composite") return compositeChanges(was, type);
  return [];
}

function domainChanges(was: DomainSnapshot, domain: DomainSnapshot): string[] {
  const name = qualified(domain.schema, domain.name);
  const before = new Map(was.constraints.map((constraint) => [constraint.name, constraint.definition]));
  const after = new Map(domain.constraints.map((constraint) => [constraint.name, constraint.definition]));
  const out: string[] = [];
  for (const [constraint, definition] of before) {
    if (after.get(constraint) !== definition) out.push(`ALTER DOMAIN ${name} DROP CONSTRAINT ${quoteIdent(constraint)};`);
  }
  if (was.default !== domain.default) {
    out.push(`ALTER DOMAIN ${name} ${domain.default === null ? "DROP DEFAULT" : `SET DEFAULT ${domain.default}`};`);
  }
  if (was.not_null !== domain.not_null) out.push(`ALTER DOMAIN ${name} ${domain.not_null ? "SET" : "DROP"} NOT NULL;`);
  for (const [constraint, definition] of after) {
    if (before.get(constraint) !== definition) out.push(`ALTER DOMAIN ${name} ADD CONSTRAINT ${quoteIdent(constraint)} ${definition};`);
  }
  return out;
}

/**
 * DROP ATTRIBUTE for the attributes of a composite type both sides have that `to` no longer
 * has, marked destructive (the values of columns of that type lose them): with the other drops,
 * so that `--safe` leaves them out.
 */
export function droppedAttributes(was: TypeSnapshot, type: TypeSnapshot): string[] {
  if (was.kind !== "composite" || type.kind !== "composite" || !canAlter(was, type)) return [];
  const afterNames = new Set(type.attributes.map((attribute) => attribute.name));
  return attributesInOrder(was.attributes)
    .filter((attribute) => !afterNames.has(attribute.name))
    .map((attribute) =>
      destructive(
        `attribute ${attribute.name} of type ${type.schema}.${type.name}`,
        `ALTER TYPE ${qualified(type.schema, type.name)} DROP ATTRIBUTE ${quoteIdent(attribute.name)} CASCADE;`,
      ),
    );
}

type Attribute = CompositeTypeSnapshot["attributes"][number];

/** A composite type's attributes in their order. */
export const attributesInOrder = (attributes: readonly Attribute[]): Attribute[] => [...attributes].sort((x, y) => x.position - y.position);

/** An attribute's type as CREATE TYPE and ALTER ATTRIBUTE write it, with its collation. */
export const attributeType = (attribute: Attribute): string =>
  `${attribute.type}${attribute.collation ? ` COLLATE ${attribute.collation}` : ""}`;

/** ADD ATTRIBUTE appends: `to` must keep the surviving attributes in their order, new ones last. */
function canAlter(was: CompositeTypeSnapshot, type: CompositeTypeSnapshot): boolean {
  const after = attributesInOrder(type.attributes).map((attribute) => attribute.name);
  const afterNames = new Set(after);
  const kept = attributesInOrder(was.attributes)
    .map((attribute) => attribute.name)
    .filter((name) => afterNames.has(name));
  return isDeepStrictEqual(kept, after.slice(0, kept.length));
}

/** ALTER ATTRIBUTE … TYPE and ADD ATTRIBUTE in one statement; the drops are `droppedAttributes`'. */
function compositeChanges(was: CompositeTypeSnapshot, type: CompositeTypeSnapshot): string[] {
  if (!canAlter(was, type)) return [];
  const before = new Map(was.attributes.map((attribute) => [attribute.name, attribute]));
  const changes = attributesInOrder(type.attributes).flatMap((attribute) => {
    const old = before.get(attribute.name);
    if (!old) return [`ADD ATTRIBUTE ${quoteIdent(attribute.name)} ${attributeType(attribute)}`];
    return attributeType(old) === attributeType(attribute)
      ? []
      : [`ALTER ATTRIBUTE ${quoteIdent(attribute.name)} TYPE ${attributeType(attribute)}`];
  });
  return changes.length > 0 ? [`ALTER TYPE ${qualified(type.schema, type.name)} ${changes.join(", ")} CASCADE;`] : [];
}
